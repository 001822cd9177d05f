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
// because Pagefind orders merged results by score, and under a sort a result's score is only
// its position within its own shard:
// - best match: one merged search, ordered by score across shards (Pagefind's own merge);
// - newest: one search per shard, concatenated newest shard first (shards are spans of days);
// - most upvoted: one search per shard, merged lazily by the upvotes of each list's head,
//   loading only the head fragments the shown results need (plus a small look-ahead).

const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 250;
const SORTS = { upvotes: { upvotes: "desc" }, date: { date: "desc" } };
const SHARD_FILTER = "shard";
const MANIFEST = "shards.json";
const LOOKAHEAD = 3; // fragments fetched at once from one shard's list in the upvotes merge
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
  // Pagefind's BM25 idf is computed per shard, so a rare word in a small shard (a month,
  // above all one just begun) scores lower than in a full year. Weighting each shard by
  // ln(all pages) / ln(its pages) evens out the idf of rare words (about ln(N / n) for n much
  // smaller than N): the words that decide a search for a name, an id or a title. The price:
  // a common word (idf about the same in every shard) scores higher in a small shard, e.g.
  // 1.60 / 1.14 in a 754-page month against an 11,000-page year of a 40,000-page archive.
  const total = shards.reduce((sum, shard) => sum + (shard.pages || 0), 0);
  const weight = (shard) => Math.log(total + 1) / Math.log(Math.max(shard.pages || 0, 1) + 1);
  const [newest, ...older] = shards;
  const pagefind = await import(new URL("pagefind.js", new URL(newest.path, bundle)).href);
  await pagefind.options({
    excerptLength: 30,
    indexWeight: weight(newest),
    mergeFilter: { [SHARD_FILTER]: newest.name },
  });
  await pagefind.init();
  await Promise.all(older.map((shard) => {
    const url = new URL(shard.path, bundle);
    return pagefind.mergeIndex(url.origin === window.location.origin ? url.pathname : url.href, {
      excerptLength: 30,
      indexWeight: weight(shard),
      mergeFilter: { [SHARD_FILTER]: shard.name },
    });
  }));
  return { pagefind, shards };
}

// The results of one search as { count, next(n) }: next resolves to the next n pages' data.
async function openResults(pagefind, shards, term, filters, sortName) {
  const sort = SORTS[sortName];
  if (!sort) {
    const search = await pagefind.search(term, { filters });
    return search && inOrder(search.results);
  }
  const searches = await Promise.all(shards.map((shard) =>
    pagefind.search(term, { filters: { ...filters, [SHARD_FILTER]: shard.name }, sort })));
  if (searches.some((search) => !search)) {
    return null;
  }
  const lists = searches.map((search) => search.results);
  if (sortName === "upvotes" && lists.length > 1) {
    return mergedBy(lists, (page) => Number(page.meta.upvotes) || 0);
  }
  return inOrder(lists.flat()); // newest: each shard a span of days, listed newest first
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
