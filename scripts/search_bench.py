#!/usr/bin/env python3
"""What search costs and how well it ranks: `python scripts/search_bench.py --papers 10000`.

For each archive (synthetic ones of `--papers` papers, and one imported from real Hugging Face
API days, `--api`, by default the copies in tests/data/hf/) it builds the site as `make html`
does, with search left out, then measures:

- indexing: `scripts/search_index.py` on the built site, full (nothing to reuse), daily (one
  paper page changed: the bundle is indexed again) and unchanged (reused), each with its wall
  time and peak memory; and, beside it, one stock Pagefind run over the same paper pages
  (`pagefind --site output --glob 'papers/**/*.html'`, no other option);
- a cold one-word query loaded through `/search/?q=WORD` in a fresh Chromium profile: every
  request the page makes and every byte it receives, headers included, with our bundle and with
  the stock bundle served in its place;
- first hits, on 100 papers drawn from the archive with a fixed seed: its exact title (TeX as
  listed), its arXiv id and its first author's full name should show that paper first (the
  author: a paper of theirs); 10 arXiv ids not in the archive and 10 nonsense words should show
  no result. Our search page is driven as a reader would; the stock bundle is asked through
  Pagefind's plain `search()`, as a page using it without our search.js would.

Results go to bench-out/search/report.md. Needs the test requirements (Playwright) and Debian's
Chromium; the sites are served on 127.0.0.1 only. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import string
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

from bench import PYTHON, run_measured, synthetic_days, tree_size, write_api_days
from pagefind_index.pagefind_index import find_executable
from pagefind_index.pages import search_word

from paperarchive import preview
from paperarchive.listing_io import load_archive
from paperarchive.mathtext import math_to_text

REPO = Path(__file__).resolve().parent.parent

SAMPLE = 100
ABSENT = 10
SEED = 0


@dataclass
class Run:
    seconds: float
    peak_mb: float
    cpu: float


# --- building -----------------------------------------------------------------------------

def build_site(work: Path, api: Path, log: Path) -> Path:
    """Import `api`, render, and run Pelican (search off) into work/output; return it."""
    listings, content, output = work / "listings", work / "content", work / "output"
    run_measured([PYTHON, "scripts/archive.py", "-q", "import", api, "--listings", listings,
                  "--keep-going"], log)
    run_measured([PYTHON, "scripts/archive.py", "render", "--listings", listings, "--papers",
                  content / "papers"], log)
    settings = work / "searchconf.py"
    settings.write_text("\n".join([
        "from pelicanconf import *  # noqa: F403",
        f"PATH = {str(content)!r}", f"OUTPUT_PATH = {str(output)!r}",
        f"CACHE_PATH = {str(work / 'cache')!r}",
        "PAGEFIND_INDEX = {**PAGEFIND_INDEX, 'enabled': False}"]) + "\n", encoding="utf-8")
    run_measured([PYTHON, "-m", "pelican", "--settings", settings], log)
    return output


def index_runs(output: Path, work: Path, log: Path) -> dict[str, Run]:
    """Full, daily (one paper page changed) and unchanged index runs, and a stock bundle."""
    cache = work / "cache" / "search"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(output / "pagefind", ignore_errors=True)
    command = [PYTHON, "scripts/search_index.py", "--site", output, "--cache", cache]
    runs = {"full": Run(*run_measured(command, log))}
    page = min(output.glob("papers/*/index.html"))
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", " </main>", 1),
                    encoding="utf-8")
    runs["daily"] = Run(*run_measured(command, log))
    runs["unchanged"] = Run(*run_measured(command, log))
    stock = work / "stock"
    shutil.rmtree(stock, ignore_errors=True)
    runs["stock"] = Run(*run_measured([find_executable(), "--site", output, "--glob",
                                       "papers/**/*.html", "--output-path", stock / "pagefind"],
                                      log))
    return runs


# --- the browser side ---------------------------------------------------------------------

@contextmanager
def serve(site: Path, bundle: Path) -> Iterator[str]:
    """`site` on 127.0.0.1, its /pagefind/ answered from `bundle`; yields the base URL."""
    site_root, bundle_root = str(site), str(bundle)

    class Handler(preview.QuietHandler):
        def translate_path(self, path: str) -> str:
            if path.startswith("/pagefind/"):
                return os.path.join(bundle_root, path.split("?")[0][len("/pagefind/"):])
            return super().translate_path(path)

    with preview.serve(site_root, handler=Handler) as url:
        yield url


def cold_query(url: str, word: str) -> tuple[int, int]:
    """(requests, bytes received, headers included) of /search/?q=WORD in a fresh profile."""
    from playwright.sync_api import sync_playwright

    sizes: list[int] = []

    def finished(request) -> None:
        size = request.sizes()
        sizes.append(max(0, size["responseBodySize"]) + max(0, size["responseHeadersSize"]))

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=preview.CHROMIUM, args=preview.CHROMIUM_FLAGS, headless=True)
        page = context.new_page()
        page.on("requestfinished", finished)
        page.goto(f"{url}/search/?q={quote_plus(word)}")
        page.wait_for_function(preview.SEARCH_SETTLED, timeout=120_000)
        page.wait_for_load_state("networkidle")
        context.close()
    return len(sizes), sum(sizes)


@dataclass
class Query:
    kind: str  # title, id, author, absent id, nonsense
    text: str
    expected: frozenset[str]  # paper ids that count as a first hit; empty: no result at all


def draw_queries(listings: Path) -> list[Query]:
    papers = [paper for listing in load_archive(listings) for paper in listing.papers]
    rng = random.Random(SEED)  # noqa: S311 - a fixed sample, not a secret
    sample = rng.sample(papers, min(SAMPLE, len(papers)))
    by_title: dict[str, set[str]] = {}
    by_author: dict[str, set[str]] = {}
    for paper in papers:
        by_title.setdefault(search_word(math_to_text(paper.title)), set()).add(paper.id)
        for author in paper.authors:
            by_author.setdefault(author, set()).add(paper.id)
    queries = []
    for paper in sample:
        queries.append(Query("title", paper.title,
                             frozenset(by_title[search_word(math_to_text(paper.title))])))
        if paper.is_arxiv:
            queries.append(Query("id", paper.id, frozenset({paper.id})))
        if paper.authors:
            queries.append(Query("author", paper.authors[0],
                                 frozenset(by_author[paper.authors[0]])))
    ids = {paper.id for paper in papers}
    months = sorted({paper.id[:4] for paper in papers if paper.is_arxiv}) or ["2608"]
    absent = 0
    while absent < ABSENT:
        candidate = f"{rng.choice(months)}.{rng.randrange(10_000, 100_000)}"
        if candidate not in ids:
            queries.append(Query("absent id", candidate, frozenset()))
            absent += 1
    for _ in range(ABSENT):
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randrange(5, 9)))
        queries.append(Query("nonsense", word, frozenset()))
    return queries


def first_ids_ours(url: str, queries: Sequence[Query]) -> list[str | None]:
    """The first result's paper id on our search page for each query (None: no result)."""
    from playwright.sync_api import sync_playwright

    firsts: list[str | None] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=preview.CHROMIUM,
                                             args=preview.CHROMIUM_FLAGS)
        page = browser.new_page()
        for query in queries:
            page.goto(f"{url}/search/?q={quote_plus(query.text)}")
            page.wait_for_function(preview.SEARCH_SETTLED, timeout=120_000)
            link = page.locator(".search-result a[data-result-link]").first
            href = link.get_attribute("href") if link.count() else None
            firsts.append(paper_of(href))
        browser.close()
    return firsts


PLAIN = """async (queries) => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const firsts = [];
  for (const query of queries) {
    const found = await pagefind.search(query);
    firsts.push(found.results.length ? (await found.results[0].data()).url : null);
  }
  return firsts;
}"""


def first_ids_plain(url: str, queries: Sequence[Query]) -> list[str | None]:
    """The first result of Pagefind's plain search() for each query (None: no result)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=preview.CHROMIUM,
                                             args=preview.CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(f"{url}/404.html")
        urls = page.evaluate(PLAIN, [query.text for query in queries])
        browser.close()
    return [paper_of(href) for href in urls]


def paper_of(href: str | None) -> str | None:
    match = re.search(r"/papers/([^/]+)/", href or "")
    return match.group(1) if match else None


def hit_rates(queries: Sequence[Query], firsts: Sequence[str | None]) -> dict[str, str]:
    rates: dict[str, list[int]] = {}
    for query, first in zip(queries, firsts, strict=True):
        hit = first in query.expected if query.expected else first is None
        counts = rates.setdefault(query.kind, [0, 0])
        counts[0] += hit
        counts[1] += 1
    return {kind: f"{hits}/{total} ({100 * hits / total:.0f} %)"
            for kind, (hits, total) in rates.items()}


def common_words(bundle: Path, count: int = 5) -> list[str]:
    """The most common title words of six letters or more: typical one-word queries. (Which
    index chunks a word needs depends on where the chunk boundaries fall, so one word alone
    can favour either bundle.)"""
    words = json.loads((bundle / "words.json").read_text(encoding="utf-8"))["words"]
    return [word for word in words if len(word) >= 6 and word.isalpha()][:count]


# --- the report ---------------------------------------------------------------------------

def measure(label: str, work: Path, api: Path) -> list[str]:
    log = work / "search-bench.log"
    output = build_site(work, api, log)
    papers = len(list(output.glob("papers/*/index.html")))
    runs = index_runs(output, work, log)
    ours, stock = output / "pagefind", work / "stock" / "pagefind"
    words = common_words(ours)
    lines = [f"## {label}: {papers:,} papers", "",
             "| | ours | stock Pagefind bundle |", "|---|---|---|"]
    ours_size, stock_size = tree_size(ours), tree_size(stock)
    lines.append(f"| bundle | {ours_size[0] / 1e6:.1f} MB, {ours_size[1]:,} files | "
                 f"{stock_size[0] / 1e6:.1f} MB, {stock_size[1]:,} files |")
    for name in ("full", "daily", "unchanged"):
        run = runs[name]
        stock_cell = (f"{runs['stock'].seconds:.1f} s, {runs['stock'].peak_mb:,.0f} MB"
                      if name == "full" else "")
        lines.append(f"| index, {name} | {run.seconds:.1f} s, {run.peak_mb:,.0f} MB peak, "
                     f"{run.cpu:.1f} CPU s | {stock_cell} |")
    cells = []
    for bundle in (ours, stock):
        with serve(output, bundle) as url:
            costs = [cold_query(url, word) for word in words]
        cells.append(f"{sum(r for r, _ in costs) / len(costs):.1f} requests, "
                     f"{sum(b for _, b in costs) / len(costs) / 1000:,.0f} KB")
    lines.append(f"| cold one-word query, mean of {', '.join(f'`{w}`' for w in words)} | "
                 f"{cells[0]} | {cells[1]} |")
    queries = draw_queries(work / "listings")
    with serve(output, ours) as url:
        ours_rates = hit_rates(queries, first_ids_ours(url, queries))
    with serve(output, stock) as url:
        plain_rates = hit_rates(queries, first_ids_plain(url, queries))
    for kind, rate in ours_rates.items():
        lines.append(f"| first hit, {kind} | {rate} | {plain_rates[kind]} |")
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, action="append", default=[],
                        help="a synthetic archive of about this many papers (repeatable)")
    parser.add_argument("--api", type=Path, default=REPO / "tests" / "data" / "hf",
                        help="a folder of real API days (default: %(default)s)")
    parser.add_argument("--no-api", action="store_true", help="skip the real API days")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out" / "search")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    report = ["# Search benchmark", ""]
    archives: list[tuple[str, Path, Path]] = []
    if not args.no_api:
        archives.append((f"real API days ({args.api.name})", args.out / "real", args.api))
    for papers in args.papers:
        work = args.out / f"synthetic-{papers}"
        base, _extra = synthetic_days(papers)
        shutil.rmtree(work / "api", ignore_errors=True)
        write_api_days(work / "api", base)
        archives.append((f"synthetic {papers:,}", work, work / "api"))
    for label, work, api in archives:
        for stale in ("listings", "content", "output", "cache", "stock"):
            shutil.rmtree(work / stale, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        lines = measure(label, work, api)
        print("\n".join(lines), flush=True)
        report += lines
    (args.out / "report.md").write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"report: {args.out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
