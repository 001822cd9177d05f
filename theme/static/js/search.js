// The search page: Pagefind's JS API driving the controls in templates/search.html.
//
// Pagefind's ready-made UI has no sort control, so this small module does the rest: it reads
// the query, filters and sort from the URL (so a search can be shared), keeps the URL in step
// as the user types, and fills the results from the <template> in the page. The index is one
// stock Pagefind bundle (plugins/pagefind_index); only Pagefind's documented API is used.
//
// What it adds to a plain Pagefind search, so that results can be trusted:
// - an arXiv id, "arXiv:id", or an arXiv or Hugging Face paper link shows that paper, or says
//   it is not in the archive (with a link to arXiv); an id never matches fragments of numbers;
// - a query is normalised as the index is: TeX delimiters and text commands removed, every
//   word reduced to its letters, digits and "_" (a pasted "RL$^2$-VLA" is the indexed "rl2vla");
// - every word must match: Pagefind leaves out a word it cannot find, and a word that no
//   indexed word starts with matches the longest indexed word it starts with instead ("zz"
//   for "zzqxv"). Each word is checked (an exact search, or the matched words of its best
//   page), and a query with a word that matches nothing has no results;
// - for such a word, a close word of the titles' vocabulary (words.json, loaded only then) is
//   searched instead, and the reader is told ("difusion" shows the papers on "diffusion");
// - best match puts the pages holding the query as a phrase first, in Pagefind's order, and
//   a paper whose title is the query first of all: a full author name or an exact title
//   finds its paper first;
// - a result shows its first authors, organisation, day, upvotes, topics, and an excerpt of
//   the abstract and AI summary (between the `abstract` and `topics` anchors), not the title
//   and authors again; filters alone (no words) list their papers, most upvoted first.

const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 250;
const BUSY_DELAY_MS = 150; // a search slower than this says "Searching…"
const SORTS = { upvotes: { upvotes: "desc" }, date: { date: "desc" } };
// Pagefind ranks a page up when query words match its metadata: the title (5, Pagefind's
// default) and the first three authors.
const RANKING = { metaWeights: { title: 5, authors: 3 } };
const EXCERPT_WORDS = 36;
const ID_MENTIONS = 20; // pages mentioning an id looked at, at most
const VOCABULARY = "words.json";
// A whole query that names one arXiv paper: "2608.19880", "arXiv:2608.19880v2", or a link
// whose path ends in the id (arxiv.org/abs/…, /pdf/….pdf, huggingface.co/papers/…).
const REFERENCE = /^(?:arxiv:\s*)?(?:https?:\/\/[^\s/]+\/(?:[^\s?#]*\/)?)?(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?\/?(?:[?#]\S*)?$/i;
// What mathtext.math_to_text removes: math delimiters and the text commands around a word.
const TEX_TEXT = /\\(?:textsc|textbf|textit|texttt|textrm|textsf|emph|mbox|underline)\{([^{}\\$]*)\}/g;
const TEX_DELIMITERS = /\\[()[\]]|\$/g;
// What Pagefind keeps of a word: letters, digits and "_" ("N_0-TWAM" is "n_0twam").
const NOT_WORD = /[^\p{L}\p{N}_]+/gu;
const QUOTED = /^\s*".+"\s*$/;

const root = document.getElementById("search");
if (root) {
  start(root);
}

async function start(root) {
  const form = root.querySelector("form");
  const input = form.elements.q;
  const sortSelect = form.elements.sort;
  const filterSelects = [...form.querySelectorAll("select[data-filter]")];
  const filterBox = form.querySelector("[data-search-filters]");
  const status = root.querySelector("[data-search-status]");
  const wayOn = root.querySelector("[data-search-way-on]");
  const list = root.querySelector("[data-search-results]");
  const moreButton = root.querySelector("[data-search-more]");
  const template = root.querySelector("template[data-search-result]");
  const bundle = new URL(root.dataset.bundle, document.baseURI);
  const dayFormat = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
    year: "numeric", month: "short", day: "numeric", timeZone: "UTC",
  });

  document.querySelector("[data-search-nojs]")?.remove();
  root.hidden = false;

  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  sortSelect.value = SORTS[params.get("sort")] ? params.get("sort") : "";
  if (!input.value) {
    input.focus();
  }
  status.textContent = "Loading search…";
  list.setAttribute("aria-busy", "true");

  let pagefind;
  try {
    pagefind = await import(new URL("pagefind.js", bundle).href);
    await pagefind.options({ excerptLength: EXCERPT_WORDS, ranking: RANKING });
    await pagefind.init();
  } catch (error) {
    status.textContent = "Search is unavailable: the search index could not be loaded.";
    list.removeAttribute("aria-busy");
    console.error(error);
    return;
  }
  const searcher = new Searcher(pagefind, bundle);

  // The filter lists cost a download of their own (tens of KB on a big archive), so they are
  // fetched when the filter box is first opened, or at once when the URL asks for a filter.
  let filtersReady;
  function loadFilters() {
    filtersReady ??= fillFilters(pagefind, filterSelects, params).catch((error) => {
      status.textContent = "The filter lists could not be loaded.";
      console.error(error);
    });
    return filtersReady;
  }
  filterBox.addEventListener("toggle", () => {
    if (filterBox.open) {
      loadFilters();
    }
  });
  if (filterSelects.some((select) => params.get(select.name))) {
    filterBox.open = true;
    await loadFilters();
  }

  let generation = 0;
  let results = null;
  let shown = 0;
  let typingTimer;

  async function runSearch() {
    clearTimeout(typingTimer);
    const current = ++generation;
    const term = input.value.trim();
    writeUrl(form, filterSelects);
    const filters = {};
    for (const select of filterSelects) {
      if (select.value) {
        filters[select.dataset.filter] = select.value;
      }
    }
    if (!term && !Object.keys(filters).length) {
      results = null;
      list.replaceChildren();
      list.removeAttribute("aria-busy");
      moreButton.hidden = true;
      wayOn.hidden = true;
      status.textContent = "Type a title, an author, an arXiv id or a few words, or choose a filter.";
      return;
    }
    list.setAttribute("aria-busy", "true");
    const busy = setTimeout(() => {
      if (current === generation) {
        status.textContent = "Searching…";
      }
    }, BUSY_DELAY_MS);
    let found;
    try {
      found = await searcher.search(term, filters, sortSelect.value);
    } catch (error) {
      found = { count: 0, pages: [], message: [`The search failed: ${error.message}`] };
      console.error(error);
    }
    clearTimeout(busy);
    if (current !== generation || !found) {
      return; // a newer search started meanwhile
    }
    results = found;
    shown = 0;
    list.replaceChildren();
    fillStatus(status, found.message);
    wayOn.hidden = found.count > 0;
    await showMore(false, current);
    list.removeAttribute("aria-busy");
  }

  async function showMore(moveFocus, current = generation) {
    if (!results) {
      return;
    }
    const pages = await results.next(PAGE_SIZE);
    if (current !== generation) {
      return;
    }
    const items = pages.map((page) => renderResult(template, page, dayFormat));
    list.append(...items);
    shown += pages.length;
    moreButton.hidden = shown >= results.count;
    if (moveFocus && items.length) {
      items[0].querySelector("a").focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    runSearch();
  });
  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(runSearch, TYPING_DELAY_MS);
  });
  for (const select of [...filterSelects, sortSelect]) {
    select.addEventListener("change", runSearch);
  }
  moreButton.addEventListener("click", () => showMore(true));
  await runSearch();
}

// A query as the index holds its words: lower case, letters, digits and "_", TeX removed.
export function queryWords(term) {
  const text = term.replace(TEX_TEXT, "$1").replace(TEX_DELIMITERS, "");
  return text.split(/\s+/).map(searchWord).filter(Boolean);
}

export function searchWord(word) {
  return word.replace(NOT_WORD, "").toLowerCase();
}

// The arXiv id a whole query names, or null.
export function arxivReference(term) {
  const match = REFERENCE.exec(term.trim());
  return match ? match[1] : null;
}

class Searcher {
  constructor(pagefind, bundle) {
    this.pagefind = pagefind;
    this.bundle = bundle;
    this.vocabulary = null;
  }

  // { count, next(n), message }: message is the status line, as text and links.
  async search(term, filters, sortName) {
    const id = arxivReference(term);
    if (id) {
      return this.paper(id);
    }
    const sort = SORTS[sortName];
    const words = queryWords(term);
    if (!words.length && !Object.keys(filters).length) {
      return inOrder([], [`No papers match “${term}”.`]); // punctuation alone
    }
    if (!words.length) {
      // Filters alone: every paper they hold, most upvoted first unless sorted otherwise.
      const found = await this.pagefind.search(null, { filters, sort: sort || SORTS.upvotes });
      return found && inOrder(found.results, [countLine(found.results.length, "")]);
    }
    const quoted = QUOTED.test(term);
    const missing = await this.missingWords(words);
    if (missing === null) {
      return null;
    }
    if (missing.length) {
      return this.corrected(term, words, missing, filters, sortName);
    }
    const found = await this.matching(words, quoted, filters, sort);
    return found && { ...found, message: [countLine(found.count, term)] };
  }

  // The pages holding every word, best match first (or by the sort).
  async matching(words, quoted, filters, sort) {
    const query = words.join(" ");
    const phrase = `"${query}"`;
    const [all, together] = await Promise.all([
      this.pagefind.search(quoted ? phrase : query, { filters, sort }),
      !sort && !quoted && words.length > 1 ? this.pagefind.search(phrase, { filters }) : null,
    ]);
    if (!all) {
      return null;
    }
    let ordered = all.results;
    if (together?.results.length) {
      const inPhrase = new Set(together.results.map((result) => result.id));
      ordered = [...ordered.filter((result) => inPhrase.has(result.id)),
        ...ordered.filter((result) => !inPhrase.has(result.id))];
    }
    return sort ? inOrder(ordered) : inOrder(ordered, [], (page) =>
      searchWord(page.meta.title || "") === words.join("") ? 0 : 1);
  }

  // The query words that match nothing in the archive: not an indexed word (an exact search
  // finds none) and no indexed word starts with them (Pagefind's best page for the word alone
  // holds no word starting with it). Null when Pagefind gave up on a search.
  async missingWords(words) {
    const exact = await Promise.all(words.map((word) => this.pagefind.search(`"${word}"`)));
    if (exact.some((found) => !found)) {
      return null;
    }
    const checks = await Promise.all(words.map(async (word, i) => {
      if (exact[i].results.length) {
        return true;
      }
      const loose = await this.pagefind.search(word);
      const best = loose?.results[0];
      return Boolean(best) && startsAWord(await best.data(), word);
    }));
    return words.filter((_, i) => !checks[i]);
  }

  // No page holds every word: search the query with each missing word spelled as the closest
  // common title word, if every one has such a word.
  async corrected(term, words, missing, filters, sortName) {
    const none = `No papers match “${term}”.`;
    const vocabulary = await this.loadVocabulary();
    const fixes = new Map(missing.map((word) => [word, closestWord(word, vocabulary)]));
    if ([...fixes.values()].some((fix) => !fix)) {
      return inOrder([], [none]);
    }
    const spelled = words.map((word) => fixes.get(word) || word);
    const found = await this.matching(spelled, QUOTED.test(term), filters, SORTS[sortName]);
    if (!found || !found.count) {
      return found && { ...found, message: [none] };
    }
    const query = spelled.join(" ");
    const link = new URL(window.location.href);
    link.searchParams.set("q", query);
    return { ...found, message: [`${none} Showing ${found.count === 1 ? "the paper" : `${found.count} papers`} for `,
      { text: `“${query}”`, href: link.href }, "."] };
  }

  async loadVocabulary() {
    this.vocabulary ??= fetch(new URL(VOCABULARY, this.bundle))
      .then((response) => (response.ok ? response.json() : { words: [] }))
      .then((data) => data.words || [])
      .catch(() => []);
    return this.vocabulary;
  }

  // One arXiv paper: its page if the archive has it, and the pages mentioning its id.
  async paper(id) {
    const found = await this.pagefind.search(`"${searchWord(id)}"`);
    if (!found) {
      return null;
    }
    const pages = await Promise.all(found.results.slice(0, ID_MENTIONS).map((r) => r.data()));
    const own = pages.filter((page) => new URL(page.url, window.location.href).pathname
      .endsWith(`/papers/${id}/`));
    const mentions = pages.filter((page) => !own.includes(page));
    const also = mentions.length
      ? ` ${mentions.length === 1 ? "One paper mentions" : `${mentions.length} papers mention`} it.` : "";
    if (own.length) {
      return loaded([...own, ...mentions], [`arXiv ${id} is in the archive.${also}`]);
    }
    return loaded(mentions, [`arXiv ${id} is not in this archive. `,
      { text: "See it on arXiv", href: `https://arxiv.org/abs/${id}` }, `.${also}`]);
  }
}

// Does any word Pagefind matched on the page (or in its metadata) start with `word`?
function startsAWord(page, word) {
  const words = (page.raw_content ?? page.content ?? "").split(/\s+/);
  if ((page.locations || []).some((at) => searchWord(words[at] || "").startsWith(word))) {
    return true;
  }
  return Object.values(page.meta || {}).some((value) =>
    String(value).split(/\s+/).some((part) => searchWord(part).startsWith(word)));
}

// The closest vocabulary word to `word`: one edit away (two for words of eight letters or
// more: a letter added, dropped, changed, or two swapped), fewest edits first, then one with
// the same first letter (typos rarely touch it), then the most common (the list is most
// common first). Null when there is none.
export function closestWord(word, vocabulary) {
  if (word.length < 4 || /^\d+$/.test(word)) {
    return null;
  }
  const limit = word.length >= 8 ? 2 : 1;
  let best = null;
  let bestKey = Infinity;
  vocabulary.forEach((candidate, rank) => {
    if (candidate === word || Math.abs(candidate.length - word.length) > limit) {
      return;
    }
    const distance = editDistance(word, candidate, limit);
    const key = distance * 2 + (candidate[0] === word[0] ? 0 : 1) + rank / (vocabulary.length + 1);
    if (distance <= limit && key < bestKey) {
      best = candidate;
      bestKey = key;
    }
  });
  return best;
}

// Optimal string alignment distance, stopping early once it exceeds `limit`.
export function editDistance(a, b, limit) {
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], before[j - 2] + 1);
      }
      best = Math.min(best, row[j]);
    }
    if (best > limit) {
      return limit + 1;
    }
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

function countLine(count, term) {
  const papers = `${count.toLocaleString("en")} ${count === 1 ? "paper" : "papers"}`;
  if (!term) {
    return count ? `${papers} in this selection.` : "No papers in this selection.";
  }
  return count ? `${papers} ${count === 1 ? "matches" : "match"} “${term}”.`
    : `No papers match “${term}”.`;
}

// Results in order, their pages fetched as they are shown. `rank` (page => number), if given,
// orders each batch by it, stably: a paper whose title is the query moves to the top.
function inOrder(results, message = [], rank = null) {
  let shown = 0;
  return {
    count: results.length,
    message: message.length ? message : [countLine(results.length, "")],
    async next(n) {
      const batch = results.slice(shown, shown + n);
      shown += batch.length;
      const pages = await Promise.all(batch.map((result) => result.data()));
      if (!rank) {
        return pages;
      }
      return pages.map((page, i) => ({ page, i, key: rank(page) }))
        .sort((a, b) => a.key - b.key || a.i - b.i).map((entry) => entry.page);
    },
  };
}

// Pages already fetched, in order.
function loaded(pages, message) {
  let shown = 0;
  return {
    count: pages.length,
    message,
    async next(n) {
      const batch = pages.slice(shown, shown + n);
      shown += batch.length;
      return batch;
    },
  };
}

function fillStatus(status, message) {
  status.replaceChildren(...message.map((part) => {
    if (typeof part === "string") {
      return part;
    }
    const link = document.createElement("a");
    link.href = part.href;
    link.textContent = part.text;
    return link;
  }));
}

async function fillFilters(pagefind, selects, params) {
  const available = await pagefind.filters();
  for (const select of selects) {
    const counts = available[select.dataset.filter] || {};
    const values = Object.keys(counts).sort((a, b) =>
      select.dataset.filter === "year" ? b.localeCompare(a) : a.localeCompare(b));
    for (const value of values) {
      select.append(new Option(`${value} (${counts[value]})`, value));
    }
    const wanted = params.get(select.name);
    if (wanted && values.includes(wanted)) {
      select.value = wanted;
    }
  }
}

function writeUrl(form, filterSelects) {
  const params = new URLSearchParams();
  for (const field of [form.elements.q, ...filterSelects, form.elements.sort]) {
    const value = field.value.trim();
    if (value) {
      params.set(field.name, value);
    }
  }
  const query = params.toString();
  const url = window.location.pathname + (query ? `?${query}` : "") + window.location.hash;
  window.history.replaceState(null, "", url);
}

function renderResult(template, page, dayFormat) {
  const item = template.content.firstElementChild.cloneNode(true);
  const link = item.querySelector("[data-result-link]");
  link.href = page.url;
  link.textContent = page.meta.title || page.url;
  fillOrRemove(item.querySelector("[data-result-authors]"), page.meta.authors);
  fillOrRemove(item.querySelector("[data-result-org]"), page.filters?.organisation?.[0]);
  const time = item.querySelector("[data-result-day]");
  const day = page.meta.day || "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    time.dateTime = day;
    time.textContent = dayFormat.format(new Date(`${day}T00:00:00Z`));
  } else {
    time.parentElement.remove();
  }
  const upvotes = page.meta.upvotes;
  fillOrRemove(item.querySelector("[data-result-upvotes]"),
    upvotes && `${upvotes} ${upvotes === "1" ? "upvote" : "upvotes"}`);
  fillOrRemove(item.querySelector("[data-result-topics]"), (page.filters?.topic || []).join(" · "));
  fillExcerpt(item.querySelector("[data-result-excerpt]"), page);
  return item;
}

function fillOrRemove(element, text) {
  if (text) {
    element.textContent = text;
  } else {
    element.remove();
  }
}

// An excerpt of the abstract and AI summary (the text from the `abstract` anchor to the
// `topics` one), around its first run of
// matched words, the matches marked. Built from text nodes only: nothing in an indexed page
// can become markup here.
export function fillExcerpt(target, page) {
  const words = (page.raw_content ?? page.content ?? "").split(/\s+/).filter(Boolean);
  const anchor = (id) => (page.anchors || []).find((a) => a.id === id)?.location;
  const from = anchor("abstract") ?? 0;
  const until = Math.min(words.length, anchor("topics") ?? words.length);
  const matched = new Set((page.locations || []).filter((at) => at >= from && at < until));
  let first = Math.min(...matched);
  if (!Number.isFinite(first)) {
    first = from;
  }
  const startAt = Math.max(from, first - 6);
  const end = Math.min(until, startAt + EXCERPT_WORDS);
  if (startAt >= end) {
    target.remove();
    return;
  }
  if (startAt > from) {
    target.append("… ");
  }
  for (let at = startAt; at < end; at++) {
    const text = at < end - 1 ? `${words[at]} ` : words[at];
    if (matched.has(at)) {
      const mark = document.createElement("mark");
      mark.textContent = words[at];
      target.append(mark, at < end - 1 ? " " : "");
    } else {
      target.append(text);
    }
  }
  if (end < until) {
    target.append(" …");
  }
}
