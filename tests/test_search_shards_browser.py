"""Search across index shards in a real browser (Debian's Chromium, driven by Playwright).

A small site of hand-written paper pages over three listing years, the newest listed from
January to May, so five Pagefind shards of unequal size (two closed years, the open year's
first quarter and its April and May), with the built fixture site's search page and scripts.
The expected results come from the generated papers themselves.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import serve
from pagefind_index.pagefind_index import IndexOptions, build_index
from test_search_browser import open_search, result_count, result_ids, show_all

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<article data-pagefind-body><h1 data-pagefind-meta="title:{title}">{title}</h1>
<dl data-pagefind-sort="upvotes:{upvotes}">
<dd><a data-pagefind-filter="organisation" href="/orgs/">{org}</a></dd>
<dd data-pagefind-ignore data-pagefind-filter="year:{year}" data-pagefind-sort="date:{day}"
 data-pagefind-meta="day:{day}">{day}</dd>
<dd data-pagefind-ignore data-pagefind-meta="upvotes:{upvotes}">{upvotes}</dd></dl>
<p>{abstract}</p><a data-pagefind-filter="topic" href="/tags/">{topic}</a></article></body></html>
"""
SIZES = {2023: 14, 2024: 18, 2025: 5}  # papers per year: the newest year is the smallest
OLD_ONLY_WORD = "zeppelin"
# Words placed for ranking: a common word, in every page of the closed year 2023 (twice) and
# in the one page of the newest month (once); a rare word, twice in that page and once in a
# page of 2024; a long word in another page of 2024. Every abstract keeps the same length, as
# BM25 weighs a page's length.
COMMON, RARE = "diffusion", "quokka"
NEWEST_ALONE = "p2025-04"  # listed on 2025-05-.., the only page of the shard "2025-05"
RARE_IN_A_YEAR = "p2024-05"
LONG_WORD, LONG_IN_A_YEAR = "transformerxl", "p2024-06"  # "transformer" is in every title
# The newest year's five papers are listed on January 1 to May 29: a quarter and two months.
SHARDS = ("2025-05", "2025-04", "2025-q1", "2024", "2023")


def make_papers() -> list[dict]:
    papers = []
    for year, count in SIZES.items():
        for n in range(count):
            papers.append({
                "id": f"p{year}-{n:02d}",
                "year": year,
                "day": f"{year}-{1 + n % 12:02d}-{1 + (n * 7) % 28:02d}",
                # Distinct, interleaved across years: a merge by shard order would be wrong.
                "upvotes": (n * 37 + year * 11) % 97 + 3 * (year - 2023),
                "topic": ["Agents", "Vision", "Speech"][n % 3],
                "org": ["Qwen", "NVIDIA"][n % 2],
                "title": f"Paper {n} of {year} on transformer models",
                "abstract": f"We study transformer models and their {ranked_words(year, n)}"
                            " scaling."
                            + (f" A {OLD_ONLY_WORD} flies." if (year, n) == (2023, 4) else ""),
            })
    return papers


def ranked_words(year: int, n: int) -> str:
    paper_id = f"p{year}-{n:02d}"
    if year == 2023:
        return f"{COMMON} {COMMON} work"
    if paper_id == NEWEST_ALONE:
        return f"{COMMON} {RARE} {RARE}"
    if paper_id == RARE_IN_A_YEAR:
        return f"{RARE} empirical work"
    if paper_id == LONG_IN_A_YEAR:
        return f"{LONG_WORD} empirical work"
    return "careful empirical work"


@pytest.fixture(scope="module")
def papers():
    return make_papers()


@pytest.fixture(scope="module")
def shard_site(built_site, papers, tmp_path_factory):
    site = tmp_path_factory.mktemp("shard-site")
    for folder in ("search", "theme"):
        shutil.copytree(built_site / folder, site / folder)
    for paper in papers:
        page = site / "papers" / paper["id"] / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(PAGE.format(**paper), encoding="utf-8")
    stats = build_index(site, IndexOptions(glob="papers/**/*.html"))
    assert stats.indexed == SHARDS
    assert [p["id"] for p in papers if p["day"].startswith("2025-05")] == [NEWEST_ALONE]
    return site


@pytest.fixture(scope="module")
def shard_url(shard_site):
    with serve(shard_site) as url:
        yield url


def test_a_word_in_every_year_finds_papers_of_every_shard(page, shard_url, papers):
    open_search(page, shard_url, "transformer")
    assert result_count(page) == len(papers)
    show_all(page)
    ids = result_ids(page)
    assert sorted(ids) == sorted(p["id"] for p in papers)  # each paper once


def test_a_word_only_in_an_old_shard_is_found(page, shard_url, papers):
    open_search(page, shard_url, OLD_ONLY_WORD)
    assert result_ids(page) == [p["id"] for p in papers if OLD_ONLY_WORD in p["abstract"]]
    assert result_count(page) == 1


def test_newest_is_ordered_across_every_shard(page, shard_url, papers):
    open_search(page, shard_url, "transformer", sort="date")
    show_all(page)
    day = {p["id"]: p["day"] for p in papers}
    shown = [day[paper_id] for paper_id in result_ids(page)]
    assert shown == sorted(day.values(), reverse=True)


def test_most_upvoted_is_ordered_across_every_shard(page, shard_url, papers):
    upvotes = {p["id"]: p["upvotes"] for p in papers}
    open_search(page, shard_url, "transformer", sort="upvotes")
    first_page = [upvotes[paper_id] for paper_id in result_ids(page)]
    best = sorted(upvotes.values(), reverse=True)
    assert first_page == best[:len(first_page)] and len(first_page) == 20
    show_all(page)
    assert [upvotes[paper_id] for paper_id in result_ids(page)] == best


def test_most_upvoted_fetches_only_the_fragments_it_needs(browser, shard_url, papers):
    _, context = browser
    page = context.new_page()
    fragments: list[str] = []
    page.on("request", lambda request: fragments.append(request.url)
            if "/fragment/" in request.url else None)
    try:
        open_search(page, shard_url, "transformer", sort="upvotes")
        page.wait_for_load_state("networkidle")
        # 20 shown, plus at most a look-ahead of 3 per shard: not all 37 papers.
        assert 20 <= len(set(fragments)) <= 20 + 3 * len(SHARDS) < len(papers)
    finally:
        page.close()


def test_filter_lists_merge_every_shard_with_their_counts(page, shard_url, papers):
    open_search(page, shard_url, "transformer")
    page.locator("[data-search-filters] summary").click()
    page.wait_for_function("document.querySelectorAll('#search-year option').length > 1")
    years = page.locator("#search-year option").all_inner_texts()
    assert years == ["Any year"] + [f"{year} ({SIZES[year]})" for year in sorted(SIZES,
                                                                                reverse=True)]
    topics = page.locator("#search-topic option").all_inner_texts()
    expected = {t: sum(p["topic"] == t for p in papers) for t in ("Agents", "Speech", "Vision")}
    assert topics == ["Any topic"] + [f"{t} ({n})" for t, n in expected.items()]


def test_a_filter_and_a_sort_together_across_shards(page, shard_url, papers):
    chosen = [p for p in papers if p["topic"] == "Vision"]
    open_search(page, shard_url, "transformer", topic="Vision", sort="upvotes")
    assert result_count(page) == len(chosen)
    show_all(page)
    upvotes = {p["id"]: p["upvotes"] for p in chosen}
    ids = result_ids(page)
    assert sorted(ids) == sorted(upvotes)
    assert [upvotes[i] for i in ids] == sorted(upvotes.values(), reverse=True)


@pytest.mark.parametrize("year", [2024, 2025])  # a closed year; the open one, in three shards
def test_a_year_filter_keeps_to_that_year(page, shard_url, papers, year):
    open_search(page, shard_url, "transformer", year=str(year))
    show_all(page)
    assert sorted(result_ids(page)) == sorted(p["id"] for p in papers if p["year"] == year)


# Pagefind's idf is per shard: for a common word, close to zero in a shard where most pages have
# it, and largest in a one-page shard; for a rare word, the other way round. Best match must rank
# a page by its match, not by the size of the shard it landed in.
@pytest.mark.parametrize("query", [COMMON, f"{COMMON} scaling"])
def test_a_common_word_is_not_lifted_by_a_small_shard(page, shard_url, papers, query):
    open_search(page, shard_url, query)
    show_all(page)
    ids = result_ids(page)
    stronger = [p["id"] for p in papers if p["abstract"].count(COMMON) == 2]
    assert sorted(ids) == sorted([*stronger, NEWEST_ALONE])
    assert ids[-1] == NEWEST_ALONE  # the word once, below the pages of 2023 that have it twice


def test_a_rare_word_is_not_sunk_by_a_small_shard(page, shard_url):
    open_search(page, shard_url, RARE)
    assert result_ids(page) == [NEWEST_ALONE, RARE_IN_A_YEAR]  # twice before once


def test_a_quoted_search_keeps_its_matches_across_shards(page, shard_url, papers):
    open_search(page, shard_url, f'"{COMMON} {RARE}"')
    assert result_ids(page) == [NEWEST_ALONE]


@pytest.mark.parametrize("sort", ["", "date", "upvotes"])
def test_every_word_is_required_even_in_a_shard_without_it(page, shard_url, papers, sort):
    # Pagefind leaves out a word a shard does not hold: 2024 has "scaling" but no COMMON.
    open_search(page, shard_url, f"{COMMON} scaling", **({"sort": sort} if sort else {}))
    show_all(page)
    assert sorted(result_ids(page)) == sorted(p["id"] for p in papers if COMMON in p["abstract"])


def test_a_shard_without_the_word_does_not_match_a_shorter_one(page, shard_url):
    # Only one page of 2024 has LONG_WORD. A shard with no word starting with it matches the
    # longest word it starts with ("transformer" in every page): one index would never do that.
    open_search(page, shard_url, LONG_WORD)
    assert result_ids(page) == [LONG_IN_A_YEAR]


def test_the_correction_gives_every_shard_the_archive_idf(page, shard_url):
    page.goto(f"{shard_url}/search/")
    got = page.evaluate("""async () => {
        const { shardCorrections } = await import(
            document.querySelector('script[src$="search.js"]').src);
        const idf = (n, df) => Math.log((n - df + 0.5) / (df + 0.5) + 1);
        // one word: in all 1,000 pages of a year, all 40 of a month, 1 of 9,000 pages
        const pages = [1000, 40, 9000];
        const one = shardCorrections(pages, [[1000], [40], [1]], [[1000], [40], [1]]);
        // two words, the second in a single page of the year, matched by a prefix in the month
        const two = shardCorrections([100, 10], [[50, 1], [10, 3]], [[50, 1], [10, 0]]);
        // two words, the second nowhere in the month
        const lacking = shardCorrections([100, 10], [[50, 1], [10, 0]], [[50, 1], [10, 0]]);
        return {
            corrected: one.factors.map((f, s) => f * idf(pages[s], [1000, 40, 1][s])),
            archive: idf(10040, 1041), one, two, lacking,
            twoYear: (idf(110, 60) + idf(110, 1)) / (idf(100, 50) + idf(100, 1)),
            nowhere: shardCorrections([100, 10], [[0], [0]], [[0], [0]]),
            quoted: shardCorrections([100, 10], [[], []], [[], []]),
        };
    }""")
    assert got["corrected"] == pytest.approx([got["archive"]] * 3)
    assert got["one"]["keep"] == [True] * 3
    assert got["two"]["keep"] == got["lacking"]["keep"] == [True, False]
    assert got["two"]["factors"][0] == pytest.approx(got["twoYear"])
    assert got["lacking"]["factors"][0] == pytest.approx(got["twoYear"])  # the month's 10 count
    assert got["nowhere"] == got["quoted"] == {"keep": [True, True], "factors": [1, 1]}
