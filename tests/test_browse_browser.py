"""Browsing by week, month, year and popularity, in Chromium, on a site built from three real
Hugging Face Daily Papers days (tests/data/weeks_archive: Aug 6 and 7, 2026, ISO week 32, and
Aug 10, week 33; imported from the API's JSON with `archive.py import`). Its organisations
include display names shared by two Hugging Face organisations ("Zhejiang University" is both
`zju` and `ZhejiangUniversity`), as in the real archive.

What a reader checks: the ranking they see, the previous and next links they click, the links
between days, weeks, months, years and most-upvoted pages, the organisation index naming every
organisation distinctly, and the phone layout (three titles on the first screen of the home
page, words never broken, tap targets of at least 24 px)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import serve
from site_helpers import DATA, build_site

from paperarchive.listing_io import load_archive

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WEEKS_ARCHIVE = DATA / "weeks_archive"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
PAPERS = {paper.id: (listing.date, paper) for listing in load_archive(WEEKS_ARCHIVE)
          for paper in listing.papers}


@pytest.fixture(scope="module")
def weeks_site(tmp_path_factory) -> Path:
    return build_site(WEEKS_ARCHIVE, tmp_path_factory.mktemp("weeks"),
                      settings={"PAGEFIND_INDEX": {"enabled": False}})


@pytest.fixture(scope="module")
def weeks_url(weeks_site):
    with serve(weeks_site) as url:
        yield url


def expected_ranking(papers) -> list[str]:
    return [paper.id for paper in sorted(papers, key=lambda p: (-(p.upvotes or 0), p.id))]


def in_week(year: int, week: int) -> list:
    return [paper for day, paper in PAPERS.values() if day.isocalendar()[:2] == (year, week)]


def ranked(page) -> list[str]:
    """Paper ids of the page's ranked list, as shown, and check the numbers shown with them
    go down."""
    rows = page.locator("ol.ranked > li")
    hrefs = rows.locator("h3 a").evaluate_all("links => links.map(a => a.href)")
    upvotes = [int(re.sub(r"\D", "", text) or 0) for text in
               rows.locator("p strong").all_inner_texts()]
    assert upvotes == sorted(upvotes, reverse=True)
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


def path_of(page) -> str:
    return "/" + page.url.split("/", 3)[3]


def test_week_pages_rank_the_week_and_lead_to_the_next_and_previous_week(page, weeks_url):
    page.set_viewport_size(DESKTOP)
    page.goto(weeks_url + "/2026/W32/")
    assert page.locator("h1").inner_text() == "Week 32, 2026"
    assert ranked(page) == expected_ranking(in_week(2026, 32))
    assert page.locator('nav.period-nav a[rel="prev"]').count() == 0  # the first week
    page.locator('nav.period-nav[aria-label="Weeks"] a[rel="next"]').click()
    assert path_of(page) == "/2026/W33/"
    assert ranked(page) == expected_ranking(in_week(2026, 33))
    assert page.locator('nav.period-nav a[rel="next"]').count() == 0  # the newest week
    page.locator('nav.period-nav[aria-label="Weeks"] a[rel="prev"]').click()
    assert path_of(page) == "/2026/W32/"
    # Its days, and from a day back to its week.
    page.get_by_role("link", name="Fri, Aug 7").click()
    assert path_of(page) == "/2026/08/07/"
    page.get_by_role("link", name="Week 32, 2026").click()
    assert path_of(page) == "/2026/W32/"


def test_month_page_leads_with_its_top_papers_beside_the_calendar(page, weeks_url):
    page.set_viewport_size(DESKTOP)
    page.goto(weeks_url + "/2026/08/")
    ids = ranked(page)
    assert len(ids) >= 20
    assert ids == expected_ranking(paper for _, paper in PAPERS.values())[:len(ids)]
    top = page.locator("ol.ranked").bounding_box()
    calendar = page.locator("table.calendar").bounding_box()
    assert calendar["x"] >= top["x"] + top["width"]  # beside it, on a wide screen
    assert calendar["y"] < top["y"] + top["height"]
    page.locator("table.calendar a").first.click()
    assert path_of(page) == "/2026/08/06/"
    page.goto(weeks_url + "/2026/08/")
    page.get_by_role("link", name="Week 33, 2026").click()
    assert path_of(page) == "/2026/W33/"


def test_year_page_ranks_the_year_and_lists_its_months(page, weeks_url):
    page.goto(weeks_url + "/2026/")
    assert ranked(page) == expected_ranking(paper for _, paper in PAPERS.values())[:50]
    page.locator("ul.month-list").get_by_role("link", name="August").click()
    assert path_of(page) == "/2026/08/"


def test_topic_and_organisation_top_pages_are_one_click_from_their_pages(page, weeks_url):
    page.goto(weeks_url + "/tags/")
    page.locator("ul.group-list a").first.click()
    topic_path = path_of(page)
    page.locator("main > header").get_by_role("link", name="Most upvoted").click()
    assert path_of(page) == topic_path + "top/"
    shown = ranked(page)
    assert len(shown) >= 2 and len(set(shown)) == len(shown)
    page.locator("main > header").get_by_role("link", name="Newest first").click()
    assert path_of(page) == topic_path

    page.goto(weeks_url + "/orgs/zju/")
    page.locator("main > header").get_by_role("link", name="Most upvoted").click()
    assert path_of(page) == "/orgs/zju/top/"
    zju = [paper for _, paper in PAPERS.values()
           if paper.organization and paper.organization.name == "zju"]
    assert ranked(page) == expected_ranking(zju)
    assert page.locator("h1").inner_text() == "Zhejiang University (zju): most upvoted"


def test_organisation_index_names_every_organisation_distinctly(page, weeks_url):
    page.set_viewport_size(PHONE)
    page.goto(weeks_url + "/orgs/")
    a_to_z = page.locator("section:has(h2:text('A to Z')) ul.group-list a")
    names = a_to_z.all_inner_texts()
    organizations = {paper.organization.name for _, paper in PAPERS.values()
                     if paper.organization}
    assert len(names) == len(organizations) == len(set(names))  # every one, told apart
    for handle in ("zju", "ZhejiangUniversity"):
        link = page.locator("section:has(h2:text('A to Z'))").get_by_role(
            "link", name=f"Zhejiang University ({handle})", exact=True)
        assert link.get_attribute("href").endswith(f"orgs/{handle}/")
    # A name no other organisation shows carries no handle.
    assert sum(name.startswith("Zhejiang University") for name in names) == 2
    assert sum("(" in name for name in names) < len(names) / 4
    # Most active first: the first organisation has the most papers.
    counts = [int(re.sub(r"\D", "", text)) for text in
              page.locator("section:has(h2:text('Most active')) .count").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)
    # A jump link brings its letter's organisations onto the screen.
    page.locator("nav[aria-label='Initials']").get_by_role("link", name="Z", exact=True).click()
    assert page.url.endswith("#org-Z")
    heading = page.locator("#org-Z").bounding_box()
    assert 0 <= heading["y"] < PHONE["height"]


# --- Phone layout -------------------------------------------------------------------------------

# Counts, links between periods, calendars and chips: words that must never break (a line
# may still break after a hyphen).
WORD_BREAKS = """root => {
  const broken = [];
  for (const scope of root.querySelectorAll(SELECTOR)) {
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (const match of node.data.matchAll(/[^\\s\\-\u2010]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                              .map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""
UNBREAKABLE = ".site-header, .period-nav, .calendar, .chips, .day-counts, .group-list, .count"

TAP_TARGETS = """root => [...root.querySelectorAll(SELECTOR)]
  .filter(el => el.getClientRects().length)
  .map(el => [el.textContent.trim().slice(0, 40), el.getBoundingClientRect().height])
  .filter(([, height]) => height < 24)"""
TARGETS = (".site-header a, .site-header button, .period-nav a, .pagination a, .calendar a, "
           ".chips a, .topic-list a, .group-list a, .day-counts a, .paper-rows h3 a, "
           ".paper-card h2 a, .paper-meta a")


@pytest.mark.parametrize("url", ["/", "/2026/W32/", "/2026/08/", "/2026/", "/orgs/",
                                 "/orgs/zju/top/"])
def test_phone_pages_break_no_word_and_have_24px_tap_targets(page, weeks_url, url):
    page.set_viewport_size(PHONE)
    page.goto(weeks_url + url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(WORD_BREAKS.replace("SELECTOR", repr(UNBREAKABLE)),
                         page.locator("body").element_handle()) == []
    small = page.evaluate(TAP_TARGETS.replace("SELECTOR", repr(TARGETS)),
                          page.locator("body").element_handle())
    assert small == [], f"tap targets under 24 px on {url}: {small}"


def test_the_checks_find_a_broken_word_and_a_small_target(page):
    page.set_content('<div class="calendar" style="width: 2.5rem; overflow-wrap: anywhere">'
                     '31 papers</div><p class="chips"><a href="#x">tiny</a></p>')
    body = page.locator("body").element_handle()
    assert page.evaluate(WORD_BREAKS.replace("SELECTOR", repr(".calendar")), body) == ["papers"]
    assert [name for name, _ in page.evaluate(
        TAP_TARGETS.replace("SELECTOR", repr(".chips a")), body)] == ["tiny"]


def test_a_calendar_in_a_narrow_column_keeps_its_words_whole(page, weeks_url):
    # Narrower than any phone in use: the counts still never break inside a word.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(weeks_url + "/2026/08/")
    cells = page.locator("table.calendar td.has-papers")
    assert cells.count() == 3
    assert page.evaluate(WORD_BREAKS.replace("SELECTOR", repr(".calendar")),
                         page.locator("body").element_handle()) == []
    assert " ".join(cells.first.text_content().split()) == "6 26 papers"  # read out in full


def test_home_on_a_phone_shows_three_titles_on_the_first_screen(page, weeks_url):
    page.set_viewport_size(PHONE)
    page.goto(weeks_url + "/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 100
    titles = page.locator("main h3 a, main h2 a").evaluate_all(
        """links => links.filter(a => a.closest('li'))
                         .map(a => a.getBoundingClientRect())
                         .filter(r => r.height > 0 && r.bottom <= innerHeight)
                         .length""")
    assert titles >= 3
    # The week's best come first: the newest day, Aug 10, is in week 33.
    assert ranked(page)[:3] == expected_ranking(in_week(2026, 33))[:3]
    # The search box stays in the header, on the first row.
    box = page.get_by_role("searchbox", name="Search papers")
    assert box.is_visible()
    assert box.bounding_box()["width"] >= 80
    assert box.bounding_box()["y"] < page.locator(".site-nav").bounding_box()["y"]
    box.fill("agents")
    box.press("Enter")
    page.wait_for_url("**/search/?q=agents")
