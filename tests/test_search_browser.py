"""Search in a real browser: Debian's Chromium, driven by Playwright, on the built fixture site.

The site is served over http on 127.0.0.1 (Pagefind does not work from file://). Expected papers
come from the fixture listings themselves, so the tests follow the data instead of hard-coding
results.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_TAXONOMY

from paperarchive.listing_io import load_archive
from paperarchive.preview import CHROMIUM, CHROMIUM_FLAGS, SEARCH_SETTLED
from paperarchive.taxonomy import load_taxonomy, topics_for

pytestmark = pytest.mark.browser

NONSENSE = "qwxzvbnmkj"


@pytest.fixture(scope="session")
def papers():
    """Every paper of the fixture site with its listing day: [(paper, day)]."""
    return [(paper, listing.date) for listing in load_archive(FIXTURE_ARCHIVE)
            for paper in listing.papers]


def open_search(page, site_url: str, query: str = "", **params: str) -> None:
    parts = [f"q={quote_plus(query)}"] + [f"{k}={quote_plus(v)}" for k, v in params.items()]
    page.goto(f"{site_url}/search/?{'&'.join(parts)}")
    page.wait_for_function(SEARCH_SETTLED)


def result_ids(page) -> list[str]:
    hrefs = page.locator(".search-result a[data-result-link]").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    return [re.search(r"/papers/([^/]+)/", href).group(1) for href in hrefs]


def status_text(page) -> str:
    return page.locator("[data-search-status]").inner_text()


def result_count(page) -> int:
    match = re.match(r"([0-9]+) papers? match", status_text(page))
    return int(match.group(1)) if match else 0


def show_all(page) -> None:
    more = page.locator("[data-search-more]")
    while more.is_visible():
        shown = page.locator(".search-result").count()
        more.click()
        page.wait_for_function(
            f"document.querySelectorAll('.search-result').length > {shown}")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def paper_words(paper) -> set[str]:
    fields = [paper.title, paper.abstract, paper.ai_summary or "", *paper.authors,
              *paper.keywords]
    if paper.organization:
        fields += [paper.organization.name, paper.organization.fullname]
    return {word for text in fields for word in words(text)}


def unique_author(papers):
    """An author whose name's words appear together in no other paper."""
    vocabularies = [(paper, paper_words(paper)) for paper, _ in papers]
    for paper, _ in papers:
        for name in paper.authors:
            name_words = set(words(name))
            others = [p for p, vocabulary in vocabularies
                      if p.id != paper.id and name_words <= vocabulary]
            if len(name_words) >= 2 and not others:
                return paper, name
    pytest.fail("the fixture archive has no author unique to one paper")


def unique_keyword_word(papers):
    """A one-word topic keyword that occurs in one paper only."""
    document_frequency = Counter(word for paper, _ in papers for word in paper_words(paper))
    for paper, _ in papers:
        for keyword in paper.keywords:
            if re.fullmatch(r"[A-Za-z]{6,}", keyword) and document_frequency[
                    keyword.lower()] == 1:
                return paper, keyword
    pytest.fail("the fixture archive has no single-word keyword unique to one paper")


def test_an_exact_title_finds_its_paper_first(page, site_url, papers):
    paper = max((p for p, _ in papers), key=lambda p: len(p.title))
    open_search(page, site_url, paper.title)
    assert result_ids(page)[0] == paper.id
    first = page.locator(".search-result").first
    assert first.locator("a[data-result-link]").inner_text() == paper.title


def test_an_author_name_finds_their_paper_first(page, site_url, papers):
    paper, author = unique_author(papers)
    open_search(page, site_url, author)
    assert result_ids(page)[0] == paper.id


def test_an_arxiv_id_finds_its_paper_first(page, site_url, papers):
    paper = next(p for p, _ in papers if p.is_arxiv)
    for query in (paper.id, f"arXiv:{paper.id}", f"https://arxiv.org/abs/{paper.id}v2"):
        open_search(page, site_url, query)
        assert result_ids(page)[:1] == [paper.id], query


def test_a_topic_word_finds_its_paper_first(page, site_url, papers):
    paper, word = unique_keyword_word(papers)
    open_search(page, site_url, word)
    assert result_ids(page)[0] == paper.id


def test_a_result_shows_day_upvotes_and_an_excerpt(page, site_url, papers):
    paper, day = next((p, d) for p, d in papers if p.is_arxiv and p.upvotes)
    open_search(page, site_url, paper.id)
    first = page.locator(".search-result").first
    assert first.locator("time").get_attribute("datetime") == day.isoformat()
    upvote_word = "upvote" if paper.upvotes == 1 else "upvotes"
    assert f"{paper.upvotes} {upvote_word}" in first.inner_text()
    assert first.locator("[data-result-excerpt]").inner_text().strip()
    first.locator("a[data-result-link]").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == f"/papers/{paper.id}/"


def test_a_nonsense_word_finds_nothing_and_says_so(page, site_url, papers):
    assert all(NONSENSE not in paper_words(p) for p, _ in papers)
    open_search(page, site_url, NONSENSE)
    assert page.locator(".search-result").count() == 0
    assert status_text(page) == f"No papers match “{NONSENSE}”."


def common_word(papers) -> str:
    frequency = Counter(word for paper, _ in papers for word in paper_words(paper)
                        if len(word) >= 5)
    return frequency.most_common(1)[0][0]


def test_a_year_filter_narrows_the_results(page, site_url, papers):
    word = common_word(papers)
    open_search(page, site_url, word)
    everything = result_count(page)
    years = Counter(day.year for _, day in papers)
    year = str(min(years, key=lambda y: (years[y], y)))
    open_search(page, site_url, word, year=year)
    assert page.locator("#search-year").input_value() == year
    assert 0 < result_count(page) < everything
    show_all(page)
    day_of = {paper.id: day for paper, day in papers}
    assert {str(day_of[paper_id].year) for paper_id in result_ids(page)} == {year}


def test_choosing_a_topic_narrows_the_results_and_updates_the_url(page, site_url, papers):
    taxonomy = load_taxonomy(FIXTURE_TAXONOMY)
    topics_of = {paper.id: {t.name for t in topics_for(paper, taxonomy)} for paper, _ in papers}
    word = common_word(papers)
    open_search(page, site_url, word)
    everything = result_count(page)
    first = result_ids(page)[0]
    # The first result's rarest topic: certainly some results, and certainly not all of them.
    sizes = Counter(name for names in topics_of.values() for name in names)
    topic = min(topics_of[first], key=lambda name: (sizes[name], name))
    page.locator("[data-search-filters] summary").click()
    page.wait_for_function("document.querySelectorAll('#search-topic option').length > 1")
    page.locator("#search-topic").select_option(topic)
    page.wait_for_function(f"new URLSearchParams(location.search).get('topic') === {topic!r}")
    page.wait_for_function(SEARCH_SETTLED)
    assert 0 < result_count(page) < everything
    show_all(page)
    assert first in result_ids(page)
    assert all(topic in topics_of[paper_id] for paper_id in result_ids(page))
    assert parse_qs(urlsplit(page.url).query) == {"q": [word], "topic": [topic]}


def test_sorting_by_upvotes_orders_the_results(page, site_url, papers):
    word = common_word(papers)
    open_search(page, site_url, word)
    best_match = result_count(page)
    page.locator("#search-sort").select_option("upvotes")
    page.wait_for_function("new URLSearchParams(location.search).get('sort') === 'upvotes'")
    page.wait_for_function(SEARCH_SETTLED)
    show_all(page)
    upvotes = {paper.id: paper.upvotes or 0 for paper, _ in papers}
    shown = [upvotes[paper_id] for paper_id in result_ids(page)]
    assert len(shown) == best_match > 1
    assert shown == sorted(shown, reverse=True)
    assert shown[0] > shown[-1]


def test_sorting_by_date_puts_the_newest_first(page, site_url, papers):
    word = common_word(papers)
    open_search(page, site_url, word, sort="date")
    show_all(page)
    days = page.locator(".search-result time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))")
    assert len(days) > 1
    assert days == sorted(days, reverse=True)


def test_the_query_in_the_url_prefills_and_typing_updates_the_url(page, site_url, papers):
    paper, author = unique_author(papers)
    open_search(page, site_url, author)
    assert page.locator("#search-q").input_value() == author
    assert result_ids(page)[0] == paper.id
    page.locator("#search-q").fill(paper.id)
    page.wait_for_function(f"new URLSearchParams(location.search).get('q') === {paper.id!r}")
    page.wait_for_function(f"document.querySelector('[data-search-status]').textContent"
                           f".includes({paper.id!r})")
    page.wait_for_function(SEARCH_SETTLED)
    assert result_ids(page)[0] == paper.id


def test_the_keyboard_reaches_the_results(page, site_url, papers):
    paper, author = unique_author(papers)
    page.goto(f"{site_url}/search/")
    page.wait_for_function(SEARCH_SETTLED)
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.type(author)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelector('[data-search-status]').textContent"
                           f".includes({author!r})")
    page.wait_for_function(SEARCH_SETTLED)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.search-result a')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('href')").endswith(
        f"/papers/{paper.id}/")


def test_the_header_search_box_leads_to_the_search_page(page, site_url, papers):
    paper = next(p for p, _ in papers if p.is_arxiv)
    page.goto(f"{site_url}/")
    header_box = page.locator("header form[role=search] input[name=q]")
    header_box.fill(paper.id)
    header_box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    page.wait_for_function(SEARCH_SETTLED)
    assert result_ids(page)[0] == paper.id


def test_without_javascript_the_page_points_to_topics_and_days(browser, site_url):
    playwright, _ = browser
    chromium = playwright.chromium
    browser_process = chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    try:
        context = browser_process.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{site_url}/search/?q=anything")
        message = page.locator("[data-search-nojs]")
        assert "needs JavaScript" in message.inner_text()
        hrefs = message.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert [urlsplit(href).path for href in hrefs] == ["/tags/", "/archive/"]
        assert not page.locator("#search").is_visible()
    finally:
        browser_process.close()
