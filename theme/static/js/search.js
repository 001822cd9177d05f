// The search page: Pagefind's JS API driving the controls in templates/search.html.
//
// Pagefind's ready-made UI has no sort control, so this small module does the rest: it reads
// the query, filters and sort from the URL (so a search can be shared), keeps the URL in step
// as the user types, and fills the results from the <template> in the page. No dependencies.
//
// The index is split into shards, one Pagefind bundle per closed listing year, per quarter of
// the open year ("2027-q2") and per month of its newest quarter ("2027-08"), listed newest
// first in <bundle>/shards.json (plugins/pagefind_index); no two shards share a day. The
// newest shard's pagefind.js is loaded and every other shard merged into it (mergeIndex: one
// wasm download, filter counts summed). Each shard is tagged with a synthetic "shard" filter,
// and the results of each shard are kept apart: best match runs one search over every shard
// and tells each result's shard by its score (TAG_BITS), the sorts search shard by shard.
// Only the shards one index of the whole archive would match are kept (shardCorrections):
// - best match: the shards' lists merged by score, each shard's scores corrected to the
//   archive's idf (shardCorrections); only ids and scores are compared, no fragment loaded;
// - newest: the shards' lists concatenated, newest shard first (shards are spans of days);
// - most upvoted: the shards' lists merged lazily by the upvotes of each list's head,
//   loading only the head fragments the shown results need (plus a small look-ahead).
// Under a sort a result's score is only its position within its own shard.

const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 250;
const SORTS = { upvotes: { upvotes: "desc" }, date: { date: "desc" } };
const SHARD_FILTER = "shard";
const MANIFEST = "shards.json";
const LOOKAHEAD = 3; // fragments fetched at once from one shard's list in the upvotes merge
// Best match runs one search over every shard and tells each result's shard by its score:
// Pagefind multiplies a shard's scores by its indexWeight, here 2^(64 x the shard's place), an
// exact power of two, and a score before weighting lies well within 2^-32 to 2^32 (a BM25 sum
// of a few words), so its binary exponent says the shard. Up to 15 shards fit in a double;
// beyond, or if a score is out of range, best match searches shard by shard (slower).
const TAG_BITS = 64;
const MAX_TAGGED = 15;
const NO_SHARD = ""; // a shard filter value no page has: a search counting matches, scoring none
const EXACT = /^\s*".+"\s*$/; // Pagefind's test for a quoted (exact) search
// "arXiv:2608.19880v2", or an arXiv / HF paper URL: paper pages index the bare id as one word.
const ARXIV_REFERENCE = /(?:\barxiv:?\s*|https?:\/\/\S*?\/(?:abs|pdf|papers)\/)?(\d{4}\.\d{4,5})(?:v\d+)?/gi;

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
  const list = root.querySelector("[data-search-results]");
  const moreButton = root.querySelector("[data-search-more]");
  const template = root.querySelector("template[data-search-result]");
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

  let pagefind;
  let shards;
  try {
    ({ pagefind, shards } = await loadShards(new URL(root.dataset.bundle, document.baseURI)));
  } catch (error) {
    status.textContent = "Search is unavailable: the search index could not be loaded.";
    console.error(error);
    return;
  }

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
    if (!term) {
      // A search with filters and no words downloads the whole index: never run one.
      results = null;
      list.replaceChildren();
      moreButton.hidden = true;
      status.textContent = "Type a word to search titles, authors, arXiv ids, organisations and topics.";
      return;
    }
    const filters = {};
    for (const select of filterSelects) {
      if (select.value) {
        filters[select.dataset.filter] = select.value;
      }
    }
    list.setAttribute("aria-busy", "true");
    const found = await openResults(pagefind, shards, term.replace(ARXIV_REFERENCE, "$1"),
      filters, sortSelect.value);
    if (current !== generation || !found) {
      return; // a newer search started meanwhile
    }
    results = found;
    shown = 0;
    list.replaceChildren();
    status.textContent = describeCount(results.count, term);
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

// The manifest, then the newest shard's Pagefind with every other shard merged into it.
async function loadShards(bundle) {
  const response = await fetch(new URL(MANIFEST, bundle), { cache: "no-cache" });
  if (!response.ok) {
    throw new Error(`${MANIFEST}: HTTP ${response.status}`);
  }
  const shards = (await response.json()).shards;
  if (!Array.isArray(shards) || !shards.length) {
    throw new Error(`${MANIFEST} lists no shard`);
  }
  const [newest, ...older] = shards;
  const pagefind = await import(new URL("pagefind.js", new URL(newest.path, bundle)).href);
  await pagefind.options({
    excerptLength: 30,
    indexWeight: shardWeight(shards, 0),
    mergeFilter: { [SHARD_FILTER]: newest.name },
  });
  await pagefind.init();
  await Promise.all(older.map((shard, i) => {
    const url = new URL(shard.path, bundle);
    return pagefind.mergeIndex(url.origin === window.location.origin ? url.pathname : url.href, {
      excerptLength: 30,
      indexWeight: shardWeight(shards, i + 1),
      mergeFilter: { [SHARD_FILTER]: shard.name },
    });
  }));
  return { pagefind, shards };
}

function shardWeight(shards, s) {
  return shards.length <= MAX_TAGGED ? 2 ** (TAG_BITS * s) : 1;
}

// Best match's results split by shard, from one search over every shard (see TAG_BITS), or
// null when a score does not tell its shard.
function byShard(shards, results) {
  if (shards.length > MAX_TAGGED) {
    return null;
  }
  const lists = shards.map(() => []);
  for (const result of results) {
    const s = Math.round(Math.log2(result.score) / TAG_BITS);
    const score = result.score / shardWeight(shards, s);
    if (!(s >= 0 && s < shards.length && score >= 2 ** -32 && score < 2 ** 32)) {
      return null;
    }
    lists[s].push(result);
  }
  return lists;
}

// The results of one search as { count, next(n) }: next resolves to the next n pages' data.
async function openResults(pagefind, shards, term, filters, sortName) {
  const sort = SORTS[sortName];
  const words = EXACT.test(term) ? [] : term.split(/\s+/).filter(Boolean);
  const [best, heldCounts] = await Promise.all([
    sort ? null : pagefind.search(term, { filters }),
    countPages(pagefind, words.map((word) => `"${word}"`)),
  ]);
  let lists = best && byShard(shards, best.results);
  let totalCounts = best?.totalFilters;
  if (!lists && (sort || best)) {
    const searches = await Promise.all(shards.map((shard) => pagefind.search(term,
      { filters: { ...filters, [SHARD_FILTER]: shard.name }, sort })));
    if (searches.some((search) => !search)) {
      return null; // a newer search made Pagefind give up
    }
    lists = searches.map((search) => search.results);
    totalCounts = searches[0].totalFilters;
  }
  if (!lists || !heldCounts) {
    return null;
  }
  const perShard = (counts) => shards.map((shard) =>
    counts.map((byName) => Number(byName?.[shard.name]) || 0));
  // A word's pages per shard: for one word, the search's own unfiltered counts (the word and
  // its extensions, as Pagefind's idf counts them); for several, those holding each word itself
  // (close, and it spares a second count search a word).
  const held = perShard(heldCounts);
  const { keep, factors } = shardCorrections(shards.map((shard) => shard.pages || 0),
    words.length === 1 ? perShard([totalCounts?.[SHARD_FILTER]]) : held, held);
  lists = lists.map((list, s) => (keep[s] ? list : []));
  if (!sort) {
    return inOrder(fairOrder(lists, factors.map((factor, s) =>
      factor / shardWeight(shards, s))));
  }
  if (sortName === "upvotes" && lists.length > 1) {
    return mergedBy(lists, (page) => Number(page.meta.upvotes) || 0);
  }
  return inOrder(lists.flat()); // newest: each shard a span of days, listed newest first
}

// For each query, its pages per shard ({ shard name: count }), or null when Pagefind gave up.
// A search with a shard filter no page has counts the pages (Pagefind's unfiltered counts) but
// scores and returns none: a fraction of the cost of the search itself.
async function countPages(pagefind, queries) {
  const searches = await Promise.all(queries.map((query) =>
    pagefind.search(query, { filters: { [SHARD_FILTER]: NO_SHARD } })));
  if (searches.some((search) => !search)) {
    return null;
  }
  return searches.map((search) => search.totalFilters?.[SHARD_FILTER] || {});
}

// What one index of the whole archive would find and how it would score, from each shard's
// counts: pages[s], shard s's pages; matching[s][w], its pages Pagefind matches to word w (the
// word and its extensions, "diffus" also matching "diffusion", whatever the filters);
// held[s][w], its pages holding the word itself (a quoted search). Returns, per shard, whether
// its results stand (keep) and the factor for its scores (factors).
//
// Which shards stand. Pagefind looks a word up in the index it searches, so a shard:
// - that holds no word starting with the query word matches the longest indexed word the query
//   word starts with ("2512" for an arXiv id of another year): when another shard holds the
//   word itself, one index of the archive would never do that, so the shard is left out (the
//   price: a shard holding only longer words, "diffusions" but no "diffusion", is left out too);
// - that lacks a word altogether leaves it out of the query and matches the other words alone:
//   when another shard has the word, the shard has no page with every word, so it is left out.
//
// The factors (best match). Pagefind scores a page in BM25 style with its own shard's idf,
//   idf(N, df) = ln((N - df + 0.5) / (df + 0.5) + 1), N the shard's pages, df those matching;
// a page's score sums over the query's words idf x (the word's weighted frequency on the page),
// plus a title boost that is also a sum of idfs. So the same match scores higher in a small
// shard for a common word (df near N in both) and lower for a rare one. A shard's factor is
//   (sum over words of the archive's idf) / (sum over words of the shard's idf),
// the archive's idf taking N and df summed over the shards: for one word exactly the score one
// index of the archive would give (but for its average page length, a small term); for several
// words exact when their idfs change alike, sensible otherwise. A quoted search is scored
// without idf: it has no words here, and every factor is 1.
export function shardCorrections(pages, matching, held) {
  const words = (matching[0] || []).map((_, w) => w);
  const anywhere = (counts, w) => counts.some((row) => row[w] > 0);
  // The pages one index would match to each word: none where a shard only has a fallback.
  const real = matching.map((row, s) => row.map((count, w) =>
    (anywhere(held, w) && !(held[s][w] > 0) ? 0 : count)));
  const keep = pages.map((_, s) => words.every((w) => real[s][w] > 0 || !anywhere(real, w)));
  const idf = (n, df) => Math.log((n - df + 0.5) / (df + 0.5) + 1);
  const total = pages.reduce((sum, n) => sum + n, 0);
  const scored = words.filter((w) => anywhere(real, w));
  const archive = scored.reduce((sum, w) =>
    sum + idf(total, real.reduce((df, row) => df + row[w], 0)), 0);
  const factors = pages.map((n, s) => {
    const own = scored.reduce((sum, w) => sum + idf(n, matching[s][w]), 0);
    return keep[s] && own > 0 && archive > 0 ? archive / own : 1;
  });
  return { keep, factors };
}

// The shards' lists (each by score, best first) as one list by corrected score; ties go to the
// newer shard. Only ids and scores are read: no fragment is fetched here.
function fairOrder(lists, factors) {
  return lists
    .flatMap((list, s) => list.map((result, rank) => ({ result, s, rank,
      score: result.score * factors[s] })))
    .sort((a, b) => b.score - a.score || a.s - b.s || a.rank - b.rank)
    .map((entry) => entry.result);
}

function inOrder(results) {
  let shown = 0;
  return {
    count: results.length,
    async next(n) {
      const batch = results.slice(shown, shown + n);
      shown += batch.length;
      return Promise.all(batch.map((result) => result.data()));
    },
  };
}

// A k-way merge of lists each sorted by key (descending): compares only the lists' heads, so a
// page's fragment is fetched only when its list's head reaches it. Ties go to the newer shard.
function mergedBy(lists, key) {
  const heads = lists.map(() => 0);
  const loaded = lists.map(() => []);
  function head(i) {
    if (loaded[i].length <= heads[i]) {
      const end = Math.min(lists[i].length, heads[i] + LOOKAHEAD);
      for (let j = loaded[i].length; j < end; j++) {
        loaded[i].push(lists[i][j].data());
      }
    }
    return loaded[i][heads[i]];
  }
  let queue = Promise.resolve(); // one next() at a time: each moves the heads
  async function take(n) {
    const pages = [];
    while (pages.length < n) {
      const live = lists.map((_, i) => i).filter((i) => heads[i] < lists[i].length);
      if (!live.length) {
        break;
      }
      const candidates = await Promise.all(live.map(head));
      let best = 0;
      for (let j = 1; j < live.length; j++) {
        if (key(candidates[j]) > key(candidates[best])) {
          best = j;
        }
      }
      pages.push(candidates[best]);
      heads[live[best]] += 1;
    }
    return pages;
  }
  return {
    count: lists.reduce((sum, list) => sum + list.length, 0),
    next(n) {
      const pages = queue.then(() => take(n));
      queue = pages.catch(() => {});
      return pages;
    },
  };
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

function describeCount(count, term) {
  if (count === 0) {
    return `No papers match “${term}”.`;
  }
  return `${count} ${count === 1 ? "paper matches" : "papers match"} “${term}”.`;
}

function renderResult(template, page, dayFormat) {
  const item = template.content.firstElementChild.cloneNode(true);
  const link = item.querySelector("[data-result-link]");
  link.href = page.url;
  link.textContent = page.meta.title || page.url;
  const time = item.querySelector("[data-result-day]");
  const day = page.meta.day || "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    time.dateTime = day;
    time.textContent = dayFormat.format(new Date(`${day}T00:00:00Z`));
  } else {
    time.parentElement.remove();
  }
  const upvotes = item.querySelector("[data-result-upvotes]");
  if (page.meta.upvotes) {
    upvotes.textContent = `${page.meta.upvotes} ${page.meta.upvotes === "1" ? "upvote" : "upvotes"}`;
  } else {
    upvotes.remove();
  }
  fillExcerpt(item.querySelector("[data-result-excerpt]"), page.excerpt);
  return item;
}

// The excerpt is HTML from the index with <mark> around matches. Rebuild it from text and
// <mark> only, so nothing else in an indexed page can ever become markup here.
function fillExcerpt(target, html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      target.append(mark);
    } else {
      target.append(node.textContent);
    }
  }
}
