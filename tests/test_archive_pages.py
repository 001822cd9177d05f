"""The archive_pages grouping logic, without Pelican."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from archive_pages.archive import (
    build_archive,
    by_initial,
    day_url,
    entry_from_metadata,
    org_labels,
    org_url,
    page_url,
    paginate,
    paper_url,
    save_as,
    top_url,
    topic_url,
    week_url,
)
from archive_pages.plugin import URL_FILTERS, CardMemo, call_card, plugin_settings
from jinja2 import Environment, FileSystemLoader
from pelican.settings import read_settings

from paperarchive.model import ListingError, Organization, Paper, Topic

REPO = Path(__file__).resolve().parent.parent
LLM = Topic("large-language-models", "Large Language Models")
RL = Topic("reinforcement-learning", "Reinforcement Learning")


@dataclass
class Entry:
    paper: Paper
    listing_day: dt.date
    topics: tuple[Topic, ...] = ()


def entry(paper_id: str, day: str, upvotes: int | None = None, topics=(), org=None) -> Entry:
    paper = Paper(id=paper_id, title=paper_id, authors=(), abstract="x", upvotes=upvotes,
                  organization=Organization(org, org.upper()) if org else None)
    return Entry(paper, dt.date.fromisoformat(day), tuple(topics))


def ids(entries) -> list[str]:
    return [e.paper.id for e in entries]


def test_days_are_sorted_and_linked_skipping_empty_days():
    archive = build_archive([
        entry("b", "2026-06-03", 5), entry("a", "2026-06-03", 5), entry("c", "2026-06-03", 9),
        entry("d", "2026-05-01", None), entry("e", "2025-12-31", 1),
    ])
    assert [d.date.isoformat() for d in archive.days] == ["2025-12-31", "2026-05-01",
                                                          "2026-06-03"]
    assert ids(archive.days[-1].entries) == ["c", "a", "b"]  # upvotes, then id
    first, middle, last = archive.days
    assert (first.previous, first.next) == (None, middle.date)
    assert (middle.previous, middle.next) == (first.date, last.date)
    assert (last.previous, last.next) == (middle.date, None)
    assert archive.latest is last


def test_months_and_years_group_days():
    archive = build_archive([entry("a", "2025-12-31"), entry("b", "2026-05-01"),
                             entry("c", "2026-05-20"), entry("d", "2026-06-03")])
    assert [(m.year, m.month, m.count) for m in archive.months] == [
        (2025, 12, 1), (2026, 5, 2), (2026, 6, 1)]
    may = archive.months[1]
    assert (may.previous, may.next) == ((2025, 12), (2026, 6))
    assert [(y.year, y.count, len(y.months)) for y in archive.years] == [(2025, 1, 1),
                                                                          (2026, 3, 2)]
    weeks = may.weeks()
    cells = [cell for week in weeks for cell in week if cell[0]]
    assert [c[0].day for c in cells] == list(range(1, 32))
    assert [c[0].day for c in cells if c[1]] == [1, 20]
    assert all(len(week) == 7 for week in weeks)


def test_topics_and_orgs_are_grouped_newest_first():
    archive = build_archive([
        entry("old", "2026-01-01", 100, topics=[LLM], org="acme"),
        entry("new", "2026-02-01", 1, topics=[LLM, RL], org="acme"),
        entry("solo", "2026-02-01", 1, org="zeta"),
    ])
    assert [(g.key.slug, ids(g.entries)) for g in archive.topics] == [
        ("large-language-models", ["new", "old"]), ("reinforcement-learning", ["new"])]
    assert [(g.key.name, g.count, g.url) for g in archive.orgs] == [
        ("acme", 2, "orgs/acme/"), ("zeta", 1, "orgs/zeta/")]


def test_weeks_are_iso_weeks_ranked_by_upvotes_and_linked_skipping_empty_weeks():
    archive = build_archive([
        # Monday Dec 29, 2025 and Sunday Jan 4, 2026 are both in ISO week 1 of 2026.
        entry("a", "2025-12-29", 3), entry("b", "2026-01-04", 9), entry("c", "2026-01-04", 3),
        # Friday Jan 1, 2027 is in week 53 of 2026.
        entry("d", "2027-01-01", 1),
        entry("e", "2026-03-02", 7),
    ])
    assert [(w.year, w.week) for w in archive.weeks] == [(2026, 1), (2026, 10), (2026, 53)]
    first, middle, last = archive.weeks
    assert ids(first.ranked()) == ["b", "a", "c"]  # upvotes, then id
    assert ids(first.ranked(2)) == ["b", "a"]
    assert (first.start, first.end) == (dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert first.months() == [(2025, 12), (2026, 1)]
    assert (first.previous, first.next) == (None, (2026, 10))
    assert (middle.previous, middle.next) == ((2026, 1), (2026, 53))
    assert (last.url, last.count) == ("2026/W53/", 1)
    assert week_url(2026, 1) == "2026/W01/"


def test_months_and_years_rank_their_papers():
    archive = build_archive([entry("x", "2026-06-03", 5), entry("y", "2026-06-20", 50),
                             entry("z", "2026-07-01", 5), entry("w", "2026-06-21", None)])
    june, july = archive.months
    assert ids(june.ranked()) == ["y", "x", "w"]
    assert june.iso_weeks() == [(2026, 23), (2026, 25)]
    assert ids(july.ranked()) == ["z"]
    assert ids(archive.years[0].ranked(3)) == ["y", "x", "z"]


def test_organisations_sharing_a_name_are_told_apart_by_their_handle():
    orgs = [Organization("zju", "Zhejiang University"),
            Organization("ZhejiangUniversity", "Zhejiang University"),
            Organization("Tsinghua", "Tsinghua University"),
            Organization("tsinghua-uni", "tsinghua university"),
            Organization("google", "Google"), Organization("nofullname", "")]
    labels = org_labels(orgs)
    assert labels == {"zju": "Zhejiang University (zju)",
                      "ZhejiangUniversity": "Zhejiang University (ZhejiangUniversity)",
                      "Tsinghua": "Tsinghua University (Tsinghua)",
                      "tsinghua-uni": "tsinghua university (tsinghua-uni)",
                      "google": "Google", "nofullname": "nofullname"}
    assert len(set(labels.values())) == len(orgs)
    groups = build_archive([entry(str(i), "2026-06-03", org=name)
                            for i, name in enumerate(["beta", "alpha", "9lives", "Bob"])]).orgs
    letters = by_initial(groups, org_labels(group.key for group in groups))
    # Labels are the upper-cased handles (the test entries' display names).
    assert [(letter, [g.key.name for g in items]) for letter, items in letters] == [
        ("A", ["alpha"]), ("B", ["beta", "Bob"]), ("#", ["9lives"])]


def test_empty_archive():
    archive = build_archive([])
    assert archive.latest is None and archive.days == () and archive.topics == ()


def newest_first(count: int) -> list[int]:
    """Items 1..count (1 the oldest) as a topic lists them: newest first."""
    return list(range(count, 0, -1))


@pytest.mark.parametrize(("count", "size", "expected"), [
    # (count, page size, [(page number or None for the newest page, its items)] newest first)
    (0, 2, [(None, [])]),
    (1, 2, [(None, [1])]),
    (3, 2, [(None, [3, 2, 1])]),
    (4, 2, [(None, [4, 3]), (1, [2, 1])]),
    (5, 2, [(None, [5, 4, 3]), (1, [2, 1])]),
    (7, 2, [(None, [7, 6, 5]), (2, [4, 3]), (1, [2, 1])]),
    (99, 50, [(None, list(range(99, 0, -1)))]),
    (100, 50, [(None, list(range(100, 50, -1))), (1, list(range(50, 0, -1)))]),
])
def test_paginate_counts_pages_from_the_oldest(count, size, expected):
    pages = paginate(newest_first(count), size, "tags/x/")
    assert [(p.number, list(p.items)) for p in pages] == expected
    assert [p.url for p in pages] == ["tags/x/"] + [f"tags/x/{n}/" for n, _ in expected[1:]]
    for page in pages:
        if page.items:
            assert (page.first, page.last) == (page.items[-1], page.items[0])
    # The newest page holds the whole list if it is short, else size to 2 * size - 1 items.
    newest = pages[0]
    assert newest.is_newest and newest.newer_url is None
    if count < 2 * size:
        assert len(newest.items) == count
    else:
        assert size <= len(newest.items) < 2 * size


@pytest.mark.parametrize("count", range(0, 12))
def test_pages_link_newer_and_older_in_a_chain_without_gaps(count):
    pages = paginate(newest_first(count), 2, "orgs/acme/")
    assert [item for p in pages for item in p.items] == newest_first(count)
    assert all(p.items for p in pages) or count == 0  # no empty page
    assert pages[-1].older_url is None
    for newer, older in itertools.pairwise(pages):
        assert newer.older_url == older.url and older.newer_url == newer.url
        assert older.last + 1 == newer.first
    numbered = [p for p in pages if not p.is_newest]
    assert all(len(p.items) == 2 for p in numbered)


def test_a_numbered_page_never_changes_when_newer_items_arrive():
    """From one count to the next, every numbered page keeps its URL, items and links; only
    the newest page changes, plus, when a page fills, the new numbered page appears and the
    previous newest numbered page's "newer" link moves from the list's URL to it."""
    size = 3
    for count in range(0, 40):
        before = {p.url: p for p in paginate(newest_first(count), size, "tags/x/")}
        after = {p.url: p for p in paginate(newest_first(count + 1), size, "tags/x/")}
        assert set(before) <= set(after)
        changed = {url for url in before if before[url] != after[url]}
        created = set(after) - set(before)
        if created:
            (new,) = created
            assert after[new].newer_url == "tags/x/"
            assert changed - {"tags/x/"} <= {after[new].older_url}
            if after[new].older_url:
                old = after[new].older_url
                assert before[old].newer_url == "tags/x/" and after[old].newer_url == new
                assert before[old].items == after[old].items
        else:
            assert changed == {"tags/x/"}


def test_pages_know_their_older_page_numbers_newest_first():
    pages = paginate(list(range(7, 0, -1)), 2, "tags/x/")
    assert [(page.number, page.older_numbers) for page in pages] == [
        (None, [2, 1]), (2, [1]), (1, [])]
    assert {page.base_url for page in pages} == {"tags/x/"}


def test_page_days_group_a_page_by_listing_day_newest_first():
    entries = [entry("c", "2026-06-05"), entry("b", "2026-06-03", 9), entry("a", "2026-06-03"),
               entry("z", "2026-05-29")]
    (page,) = paginate(entries, 50, "tags/x/")
    assert [(day.isoformat(), ids(group)) for day, group in page.days()] == [
        ("2026-06-05", ["c"]), ("2026-06-03", ["b", "a"]), ("2026-05-29", ["z"])]


def test_urls():
    assert top_url("tags/agents/") == "tags/agents/top/"
    assert day_url(dt.date(2026, 6, 3)) == "2026/06/03/"
    assert topic_url(LLM) == topic_url("large-language-models") == "tags/large-language-models/"
    assert org_url("Qwen") == "orgs/Qwen/"
    assert page_url("orgs/Qwen/", 1) == "orgs/Qwen/1/"
    assert save_as("") == "index.html" and save_as("a/b/") == "a/b/index.html"


@pytest.mark.parametrize(("metadata", "message"), [
    ({"title": "T"}, "x.md: Paper-Id: missing"),
    ({"paper-id": "2606.00001", "title": "T", "paper-author": "A", "abstract": "x"},
     "x.md: paper 2606.00001: Listing-Day: missing"),
    ({"paper-id": "2606.00001", "title": "T", "listing-day": "2026-06-03", "upvotes": "many",
      "abstract": "x"}, "x.md: paper 2606.00001: upvotes: expected a whole number"),
    ({"paper-id": "2606.00001", "title": "T", "listing-day": "2026-06-03", "abstract": "x",
      "topic": "lonely-slug"}, "x.md: paper 2606.00001: Topic: expected '<slug> <Name>'"),
])
def test_bad_metadata_is_located(metadata, message):
    with pytest.raises(ListingError) as error:
        entry_from_metadata(metadata, "x.md")
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("given", [{"page_size": 0}, {"page_size": "50"}, {"pagesize": 5},
                                   {"top_size": 0}, {"month_top": True}])
def test_plugin_settings_are_validated(given):
    with pytest.raises(ValueError, match="ARCHIVE_PAGES"):
        plugin_settings({"ARCHIVE_PAGES": given})


# --- Rendering list pages: the row memo changes nothing but the time ------------------------

@dataclass
class Article(Entry):
    """An entry with the URL a Pelican article has."""

    @property
    def url(self) -> str:
        return paper_url(self.paper.id)


def theme_environment() -> Environment:
    """The theme's templates with the site's Jinja settings and filters, without Pelican."""
    settings = read_settings(str(REPO / "pelicanconf.py"))
    env = Environment(loader=FileSystemLoader(REPO / "theme" / "templates"),
                      **settings["JINJA_ENVIRONMENT"])
    env.filters.update(settings["JINJA_FILTERS"])
    env.filters.update(URL_FILTERS)
    return env


def list_articles() -> list[Article]:
    papers = [
        Paper(id="2606.00003", title=r"Fast <Attention> in $O(n \log n)$ & more",
              authors=("Ann O'Neil", "Bo <b>", "Cy", "Di", "Ed"), abstract="x",
              upvotes=1234,
              organization=Organization("acme", "Acme & Co")),
        Paper(id="2606.00002", title="Solo", authors=("Dee",), abstract="x", upvotes=0),
        Paper(id="copied-page-paper", title="No names", authors=(), author_count=4,
              abstract="x"),
        Paper(id="2605.00001", title="Older", authors=("Eve", "Fay"), abstract="x",
              upvotes=1, organization=Organization("zeta", "")),
    ]
    days = ["2026-06-05", "2026-06-05", "2026-06-03", "2026-05-29"]
    return [Article(paper, dt.date.fromisoformat(day), (LLM,))
            for paper, day in zip(papers, days, strict=True)]


@pytest.mark.parametrize("show_org", [True, False])
def test_memoized_rows_are_the_html_of_rendering_each_row(show_org):
    template = theme_environment().get_template("partials/paper_list.html")
    articles = list_articles()
    memo = CardMemo()
    # Pages at several depths, in an order that revisits a depth after another one.
    for siteurl in ["../..", "../../..", "../..", "https://example.org", "../../.."]:
        for page in paginate(articles, 2, "tags/x/"):
            context = {"SITEURL": siteurl, "papers": page.items, "page": page,
                       "lean_cards": True, "show_org": show_org}
            cached = template.render(**context, card_memo=memo)
            assert cached == template.render(**context, card_memo=call_card)
            assert f'href="{siteurl}/papers/{page.items[0].paper.id}/"' in cached
    assert len(memo) == len(articles) * 3  # once per article and SITEURL


def test_rows_show_first_author_organisation_and_upvotes_under_their_day():
    env = theme_environment()
    articles = list_articles()
    (page,) = paginate(articles, 50, "tags/x/")
    rendered = env.get_template("partials/paper_list.html").render(
        SITEURL="..", papers=page.items, page=page, lean_cards=True, card_memo=CardMemo())
    document = lxml.html.fragment_fromstring(rendered, create_parent="div")
    assert document.xpath("./h2/time/@datetime") == ["2026-06-05", "2026-06-03", "2026-05-29"]
    rows = document.xpath("./ol/li")
    titles = [" ".join(li.xpath("string(h3/a)").split()) for li in rows]
    assert titles[0].startswith("Fast <Attention> in ") and titles[0].endswith(" & more")
    assert rows[0].xpath("h3/a//*[local-name()='math']")  # TeX became MathML
    assert titles[1:] == ["Solo", "No names", "Older"]
    assert [li.xpath("string(p)") for li in rows] == [
        "Ann O'Neil et al. · Acme & Co · 1,234 upvotes", "Dee · 0 upvotes", "4 authors",
        "Eve et al. · zeta · 1 upvote"]


def test_day_cards_show_authors_counts_and_topic_links():
    articles = list_articles()
    rendered = theme_environment().get_template("partials/paper_list.html").render(
        SITEURL="../../..", papers=articles, card_memo=call_card)
    cards = lxml.html.fragment_fromstring(rendered, create_parent="div").xpath(
        "./ol[@class='paper-list']/li/article")
    facts = [[" ".join(span.text_content().split())
              for span in card.xpath("./p[@class='paper-meta']/*")] for card in cards]
    # No date: a day page (and the home page) names its one day in the heading above.
    assert facts == [
        ["Ann O'Neil, Bo <b>, Cy and 2 more", "Acme & Co", "1,234 upvotes"],
        ["Dee", "0 upvotes"],
        ["4 authors"],
        ["Eve, Fay", "zeta", "1 upvote"],
    ]
    assert cards[0].xpath(".//time") == []
    assert cards[0].xpath(".//ul[@class='topic-list']//a/@href") == [
        "../../../tags/large-language-models/"]
