// The search page: Pagefind's JS API driving the controls in templates/search.html.
//
// Pagefind's ready-made UI has no sort control, so this small module does the rest: it reads
// the query, filters and sort from the URL (so a search can be shared), keeps the URL in step
// as the user types, and fills the results from the <template> in the page. No dependencies.

const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 250;
const SORTS = { upvotes: { upvotes: "desc" }, date: { date: "desc" } };
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
  try {
    const bundle = new URL(root.dataset.bundle, document.baseURI);
    pagefind = await import(new URL("pagefind.js", bundle).href);
    await pagefind.options({ excerptLength: 30 });
    await pagefind.init();
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
  let results = [];
  let shown = 0;
  let typingTimer;

  async function runSearch() {
    clearTimeout(typingTimer);
    const current = ++generation;
    const term = input.value.trim();
    writeUrl(form, filterSelects);
    if (!term) {
      // A search with filters and no words downloads the whole index: never run one.
      results = [];
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
    const search = await pagefind.search(term.replace(ARXIV_REFERENCE, "$1"), {
      filters,
      sort: SORTS[sortSelect.value] || {},
    });
    if (current !== generation || !search) {
      return; // a newer search started meanwhile
    }
    results = search.results;
    shown = 0;
    list.replaceChildren();
    status.textContent = describeCount(results.length, term);
    await showMore(false, current);
    list.removeAttribute("aria-busy");
  }

  async function showMore(moveFocus, current = generation) {
    const batch = results.slice(shown, shown + PAGE_SIZE);
    const pages = await Promise.all(batch.map((result) => result.data()));
    if (current !== generation) {
      return;
    }
    const items = pages.map((page) => renderResult(template, page, dayFormat));
    list.append(...items);
    shown += batch.length;
    moreButton.hidden = shown >= results.length;
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
