"""The feeds as a subscriber sees them: parsed back with feedparser and lxml, item by item."""

from __future__ import annotations

import datetime as dt
import random

import feedgen.entry
import feedgen.feed
import feedparser
import lxml.etree
import lxml.html
import pytest

from paperarchive.feed_check import check_feed
from paperarchive.feeds import (
    OPML_PATHS,
    FeedLimits,
    FeedPaper,
    FeedSite,
    build_daily_feed,
    build_feeds,
    build_opml,
    build_org_feeds,
    build_papers_feed,
    build_topic_feeds,
    build_weekly_feed,
    feed_catalogue,
)
from paperarchive.model import Paper, Topic, clean_line

SITE = FeedSite(name="Paper Archive", url="https://papers.example.org/archive")
ATOM = "{http://www.w3.org/2005/Atom}"
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom"}
DC = "{http://purl.org/dc/elements/1.1/}"
LLM = Topic("llm", "Large language models")
ROBOTS = Topic("robotics", "Robotics & control")

# Markup, entities, quotes, emoji, right-to-left text (Arabic, Hebrew) and control characters.
TRICKY_TITLE = ('<b>Bold</b> & <script>alert("x")</script> "quoted" \'single\' 🚀 '
                'مرحبا بالعالم עברית\x07\x1b end')
TRICKY_ABSTRACT = ("We <i>show</i> that A & B < C > D; "
                   "see <a href='javascript:alert(1)'>this</a>.\x0b"
                   "\n\nSecond paragraph: 👩‍🔬 شكرا תודה &amp; done.")
TRICKY_SUMMARY = "AI says <img src=x onerror=alert(1)> & more."


def make_paper(paper_id: str, **fields) -> Paper:
    data = {"id": paper_id, "title": f"Paper {paper_id}", "authors": ["Ada Lovelace"],
            "abstract": f"Abstract of {paper_id}.", **fields}
    return Paper.from_mapping(data)


def entry(paper: Paper, day: str, *topics: Topic) -> FeedPaper:
    return FeedPaper(paper=paper, listing_day=dt.date.fromisoformat(day), topics=topics,
                     url=f"{SITE.url}/papers/{paper.id}/")


@pytest.fixture
def archive() -> list[FeedPaper]:
    """Three days; ties in upvotes on 2026-05-29 are broken by id."""
    return [
        entry(make_paper("2605.00003", title=TRICKY_TITLE, abstract=TRICKY_ABSTRACT,
                         ai_summary=TRICKY_SUMMARY, upvotes=40, published="2026-05-20",
                         authors=["Zoë O'Brien & Sons", "محمد علي", "<i>Eve</i>"]),
              "2026-05-29", LLM, ROBOTS),
        entry(make_paper("2605.00001", upvotes=40), "2026-05-29", LLM),
        entry(make_paper("2605.00002", upvotes=7), "2026-05-29"),
        entry(make_paper("copied-page-paper", authors=[], author_count=12,
                         organization={"name": "acme", "fullname": "Acme Research"}),
              "2026-05-28", ROBOTS),
        entry(make_paper("2605.00010", upvotes=99,
                         authors=[f"Author {n}" for n in range(438)]), "2026-05-27", LLM),
    ]


ORDER = ["2605.00001", "2605.00003", "2605.00002", "copied-page-paper", "2605.00010"]


def page(paper_id: str) -> str:
    return f"{SITE.url}/papers/{paper_id}/"


def by_path(feeds):
    return {feed.path: feed.data for feed in feeds}


def test_every_feed_is_written_in_both_formats_and_passes_the_spec_check(archive):
    feeds = by_path(build_feeds(archive, SITE))
    assert sorted(feeds) == [
        "feeds/daily.atom.xml", "feeds/daily.rss.xml",
        "feeds/papers.atom.xml", "feeds/papers.rss.xml",
        "feeds/tags/llm.atom.xml", "feeds/tags/llm.rss.xml",
        "feeds/tags/robotics.atom.xml", "feeds/tags/robotics.rss.xml",
        "feeds/weekly.atom.xml", "feeds/weekly.rss.xml",
    ]
    for path, data in feeds.items():
        assert check_feed(data, f"{SITE.url}/{path}") == [], path


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_papers_feed_items_match_the_listings(archive, fmt):
    data = by_path(build_papers_feed(archive, SITE))[f"feeds/papers.{fmt}.xml"]
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.link for e in parsed.entries] == [page(i) for i in ORDER]
    assert [e.id for e in parsed.entries] == [page(i) for i in ORDER]
    papers = {item.paper.id: item for item in archive}
    for parsed_entry, paper_id in zip(parsed.entries, ORDER, strict=True):
        item = papers[paper_id]
        assert parsed_entry.title == clean_line(item.paper.title)
        # The listing day at 00:00 UTC, never the arXiv date.
        assert parsed_entry.published_parsed[:6] == (*item.listing_day.timetuple()[:3], 0, 0, 0)
        terms = sorted(tag.term for tag in parsed_entry.get("tags", []))
        expected = sorted(t.slug if fmt == "atom" else t.name for t in item.topics)
        assert terms == expected
    assert parsed.feed.title == f"Paper Archive — latest papers ({FORMAT_NAMES[fmt]})"
    assert parsed.feed.updated_parsed[:3] == (2026, 5, 29)


def test_rss_items_read_back_with_lxml(archive):
    data = by_path(build_papers_feed(archive, SITE))["feeds/papers.rss.xml"]
    channel = lxml.etree.fromstring(data).find("channel")
    items = channel.findall("item")
    assert [i.findtext("guid") for i in items] == [page(i) for i in ORDER]
    assert all(i.find("guid").get("isPermaLink") == "true" for i in items)
    assert items[1].findtext("pubDate") == "Fri, 29 May 2026 00:00:00 +0000"
    assert channel.findtext("lastBuildDate") == "Fri, 29 May 2026 00:00:00 +0000"
    assert channel.findtext("link") == f"{SITE.url}/"
    assert [c.text for c in items[1].findall("category")] == ["Large language models",
                                                              "Robotics & control"]
    # One creator per item: the author line, first author first.
    assert [c.text for c in items[1].findall(f"{DC}creator")] == [
        "Zoë O'Brien & Sons, محمد علي, <i>Eve</i>"]
    assert [c.text for c in items[3].findall(f"{DC}creator")] == ["Acme Research"]
    assert [c.text for c in items[4].findall(f"{DC}creator")] == [
        "Author 0, Author 1, Author 2 et al."]
    assert not any(i.findall("author") for i in items)  # RSS <author> is an email address


def test_atom_entries_read_back_with_lxml(archive):
    data = by_path(build_papers_feed(archive, SITE))["feeds/papers.atom.xml"]
    feed = lxml.etree.fromstring(data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [page(i) for i in ORDER]
    tricky = entries[1]
    assert tricky.findtext(f"{ATOM}published") == "2026-05-29T00:00:00+00:00"
    assert tricky.findtext(f"{ATOM}updated") == "2026-05-29T00:00:00+00:00"
    assert [a.findtext(f"{ATOM}name") for a in tricky.findall(f"{ATOM}author")] == [
        "Zoë O'Brien & Sons, محمد علي, <i>Eve</i>"]
    links = {(link.get("rel", "alternate"), link.get("href"))
             for link in tricky.findall(f"{ATOM}link")}
    assert links == {("alternate", page("2605.00003")),
                     ("related", "https://arxiv.org/abs/2605.00003"),
                     ("related", "https://arxiv.org/pdf/2605.00003")}
    # A paper known only by its author count and organisation still has an author.
    copied = entries[3]
    assert [a.findtext(f"{ATOM}name") for a in copied.findall(f"{ATOM}author")] == [
        "Acme Research"]
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE.url}/feeds/papers.atom.xml"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_tricky_text_arrives_as_text_and_html_is_escaped_once(archive, fmt):
    data = by_path(build_papers_feed(archive, SITE))[f"feeds/papers.{fmt}.xml"]
    tricky = feedparser.parse(data).entries[1]
    html = tricky.content[0].value if fmt == "atom" else tricky.description
    assert "\x07" not in data.decode() and "\x0b" not in data.decode()
    body = lxml.html.fragment_fromstring(html, create_parent="div")
    paragraphs = [p.text_content() for p in body.iter("p")]
    # The markup in the data is shown as text, not executed or dropped.
    assert "We <i>show</i> that A & B < C > D; see <a href='javascript:alert(1)'>this</a>." \
        in paragraphs
    assert "Second paragraph: 👩‍🔬 شكرا תודה &amp; done." in paragraphs
    assert "AI says <img src=x onerror=alert(1)> & more." in paragraphs
    assert not list(body.iter("script", "img", "i"))
    hrefs = [a.get("href") for a in body.iter("a")]
    assert hrefs[-4:] == [page("2605.00003"), "https://arxiv.org/abs/2605.00003",
                          "https://arxiv.org/pdf/2605.00003",
                          "https://huggingface.co/papers/2605.00003"]
    assert all(h.startswith("https://") for h in hrefs)
    assert any("Zoë O'Brien & Sons, محمد علي, <i>Eve</i>" in p for p in paragraphs)


def test_long_author_lists_are_one_short_line_with_every_name_in_the_text(archive):
    data = by_path(build_papers_feed(archive, SITE))["feeds/papers.atom.xml"]
    entries = lxml.etree.fromstring(data).findall(f"{ATOM}entry")
    many = entries[4]
    assert [a.findtext(f"{ATOM}name") for a in many.findall(f"{ATOM}author")] == [
        "Author 0, Author 1, Author 2 et al."]
    body = lxml.html.fragment_fromstring(many.findtext(f"{ATOM}content"), create_parent="div")
    authors = body.find("p").text_content()
    assert authors == "Authors: " + ", ".join(f"Author {n}" for n in range(438))
    copied_html = entries[3].findtext(f"{ATOM}content")
    assert "Acme Research (12 authors)" in copied_html


def test_papers_feed_keeps_the_newest_count(archive):
    data = by_path(build_papers_feed(archive, SITE, count=2))["feeds/papers.rss.xml"]
    assert [e.link for e in feedparser.parse(data).entries] == [page(i) for i in ORDER[:2]]


def test_topic_feeds_keep_their_own_count_and_the_papers_feed_its_own(archive):
    feeds = by_path(build_feeds(archive, SITE, limits=FeedLimits(papers=3, topic_papers=1)))
    papers = feedparser.parse(feeds["feeds/papers.atom.xml"]).entries
    assert [e.link for e in papers] == [page(i) for i in ORDER[:3]]
    for path, data in feeds.items():
        if path.startswith("feeds/tags/"):
            assert len(feedparser.parse(data).entries) == 1, path


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_daily_digest_has_one_item_per_day_keyed_by_the_day_page(archive, fmt):
    data = by_path(build_daily_feed(archive, SITE))[f"feeds/daily.{fmt}.xml"]
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == [
        "Daily Papers — 2026-05-29 (3 papers)",
        "Daily Papers — 2026-05-28 (1 paper)",
        "Daily Papers — 2026-05-27 (1 paper)",
    ]
    assert [e.id for e in parsed.entries] == [
        f"{SITE.url}/2026/05/29/", f"{SITE.url}/2026/05/28/", f"{SITE.url}/2026/05/27/"]
    first = parsed.entries[0]
    html = first.content[0].value if fmt == "atom" else first.description
    body = lxml.html.fragment_fromstring(html, create_parent="div")
    listed = [a.get("href") for a in body.iter("a") if "/papers/" in a.get("href")]
    # By upvotes, ties by id, as on the day page.
    assert listed == [page("2605.00001"), page("2605.00003"), page("2605.00002")]
    assert first.published_parsed[:6] == (2026, 5, 29, 0, 0, 0)


def test_a_refetched_day_updates_its_digest_item_in_place(archive):
    partial = [item for item in archive if item.paper.id != "2605.00002"]
    before = feedparser.parse(by_path(build_daily_feed(partial, SITE))["feeds/daily.rss.xml"])
    after = feedparser.parse(by_path(build_daily_feed(archive, SITE))["feeds/daily.rss.xml"])
    assert [e.id for e in before.entries] == [e.id for e in after.entries]
    assert before.entries[0].title == "Daily Papers — 2026-05-29 (2 papers)"
    assert after.entries[0].title == "Daily Papers — 2026-05-29 (3 papers)"
    assert before.entries[0].published == after.entries[0].published


def test_daily_digest_keeps_the_newest_days(archive):
    data = by_path(build_daily_feed(archive, SITE, count=2))["feeds/daily.atom.xml"]
    assert len(feedparser.parse(data).entries) == 2


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_each_topic_feed_holds_only_its_papers(archive, fmt):
    feeds = by_path(build_topic_feeds(archive, SITE))
    llm = feedparser.parse(feeds[f"feeds/tags/llm.{fmt}.xml"])
    robotics = feedparser.parse(feeds[f"feeds/tags/robotics.{fmt}.xml"])
    assert [e.id for e in llm.entries] == [page("2605.00001"), page("2605.00003"),
                                          page("2605.00010")]
    assert [e.id for e in robotics.entries] == [page("2605.00003"), page("copied-page-paper")]
    assert robotics.feed.title == f"Paper Archive — topic: Robotics & control ({FORMAT_NAMES[fmt]})"
    assert robotics.feed.link == f"{SITE.url}/tags/robotics/"
    assert llm.feed.updated_parsed[:3] == (2026, 5, 29)


def test_same_data_gives_the_same_bytes_in_any_input_order_and_at_any_time(archive, monkeypatch):
    first = build_feeds(archive, SITE)
    shuffled = list(archive)
    random.Random(4).shuffle(shuffled)

    class AnyDatetime(type):
        def __instancecheck__(cls, value):
            return isinstance(value, dt.datetime)

    class Later(dt.datetime, metaclass=AnyDatetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2031, 1, 2, 3, 4, 5, tzinfo=dt.UTC)

    # feedgen defaults `updated` and `lastBuildDate` to now(): a clock that moved changes
    # nothing, so none of those defaults survives into the output.
    monkeypatch.setattr(feedgen.feed, "datetime", Later)
    monkeypatch.setattr(feedgen.entry, "datetime", Later)
    second = build_feeds(shuffled, SITE)
    assert [(f.path, f.data) for f in first] == [(f.path, f.data) for f in second]


def test_text_that_skipped_validation_cannot_break_a_feed():
    # Built directly, not through Paper.from_mapping: nothing was cleaned.
    raw = Paper(id="2605.00099", title="Nul\x00 and \ufffe and \ud800 lone \x0c",
                authors=("Bad\x01Name", "\x02"), abstract="Vertical\x0btab \x1f\ufffe",
                ai_summary="\x00", keywords=())
    topic = Topic("odd", "Odd\x08 topic")
    feeds = build_feeds([entry(raw, "2026-05-29", topic)], SITE)
    for feed in feeds:
        assert check_feed(feed.data, f"{SITE.url}/{feed.path}") == [], feed.path
    parsed = feedparser.parse(by_path(feeds)["feeds/papers.atom.xml"])
    assert parsed.entries[0].title == "Nul and and lone"
    assert [a.name for a in parsed.entries[0].authors] == ["BadName"]


def test_an_empty_archive_still_has_valid_feeds():
    feeds = build_feeds([], SITE)
    assert sorted(f.path for f in feeds) == ["feeds/daily.atom.xml", "feeds/daily.rss.xml",
                                             "feeds/papers.atom.xml", "feeds/papers.rss.xml",
                                             "feeds/weekly.atom.xml", "feeds/weekly.rss.xml"]
    for feed in feeds:
        assert check_feed(feed.data, f"{SITE.url}/{feed.path}") == [], feed.path


def test_a_relative_page_url_is_refused_naming_the_paper():
    item = FeedPaper(make_paper("2605.00001"), dt.date(2026, 5, 29), (), "/papers/2605.00001/")
    with pytest.raises(ValueError, match=r"paper 2605\.00001.*absolute"):
        build_papers_feed([item], SITE)


@pytest.mark.parametrize("slug", ["../escape", "a/b", "Upper", "nul\x00"])
def test_a_topic_slug_that_is_not_a_slug_is_refused(slug):
    item = entry(make_paper("2605.00001"), "2026-05-29", Topic(slug, "Odd"))
    with pytest.raises(ValueError, match="not a lowercase-dash slug"):
        build_topic_feeds([item], SITE)


def test_unknown_feed_kind_is_refused(archive):
    with pytest.raises(ValueError, match="unknown feed kind"):
        build_feeds(archive, SITE, kinds=["papers", "monthly"])


# --- What a reader shows ----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_a_reader_credits_the_first_author_first_in_one_line(fmt):
    papers = [
        entry(make_paper("2605.00001", authors=["Xin Ding", "Ting Cao", "Wei Li", "Yu Zhang",
                                                "Ting Cao Jr."]), "2026-05-29"),
        entry(make_paper("2605.00002", authors=["Ada Lovelace", "Charles Babbage"]),
              "2026-05-29"),
        entry(make_paper("2605.00003", authors=["Grace Hopper"]), "2026-05-29"),
        entry(make_paper("copied-a", authors=[], author_count=6), "2026-05-28"),
        entry(make_paper("copied-b", authors=[], author_count=6,
                         organization={"name": "acme", "fullname": "Acme Research"}),
              "2026-05-28"),
    ]
    data = by_path(build_papers_feed(papers, SITE))[f"feeds/papers.{fmt}.xml"]
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    seen = {e.id.rstrip("/").rpartition("/")[2]: e.get("author") for e in parsed.entries}
    assert seen == {
        "2605.00001": "Xin Ding, Ting Cao, Wei Li et al.",
        "2605.00002": "Ada Lovelace, Charles Babbage",
        "2605.00003": "Grace Hopper",
        # Known only by a count: no made-up author, and never "6 authors".
        "copied-a": None,
        "copied-b": "Acme Research",
    }
    assert all(len(e.get("authors", [])) <= 1 for e in parsed.entries)
    if fmt == "atom":  # what an entry without an author inherits (RFC 4287 4.2.1)
        assert parsed.feed.author == "Paper Archive"
    assert check_feed(data, f"{SITE.url}/feeds/papers.{fmt}.xml") == []
    # Every name is still in the item.
    first = parsed.entries[0]
    html = first.content[0].value if fmt == "atom" else first.description
    assert "Xin Ding, Ting Cao, Wei Li, Yu Zhang, Ting Cao Jr." in html
    copied = next(e for e in parsed.entries if e.id.endswith("/copied-a/"))
    html = copied.content[0].value if fmt == "atom" else copied.description
    assert "6 authors" in html


def test_feed_titles_say_what_each_feed_is_and_its_format(archive):
    feeds = build_feeds(archive, SITE, limits=FeedLimits(org_min_papers=1))
    titles = {f.path: feedparser.parse(f.data).feed.title for f in feeds}
    assert titles["feeds/papers.rss.xml"] == "Paper Archive — latest papers (RSS)"
    assert titles["feeds/daily.atom.xml"] == "Paper Archive — daily digest (Atom)"
    assert titles["feeds/weekly.rss.xml"] == "Paper Archive — weekly top papers (RSS)"
    assert titles["feeds/tags/llm.atom.xml"] == \
        "Paper Archive — topic: Large language models (Atom)"
    assert titles["feeds/orgs/acme.rss.xml"] == "Paper Archive — organisation: Acme Research (RSS)"
    assert len(set(titles.values())) == len(titles)  # no two feeds look alike in a reader


# --- Minimum upvotes --------------------------------------------------------------------------

def test_the_papers_feed_can_leave_out_papers_with_few_upvotes(archive):
    data = by_path(build_papers_feed(archive, SITE, min_upvotes=40))["feeds/papers.atom.xml"]
    parsed = feedparser.parse(data)
    assert [e.id for e in parsed.entries] == [page("2605.00001"), page("2605.00003"),
                                              page("2605.00010")]
    assert "at least 40 upvotes" in parsed.feed.subtitle


# --- The weekly digest ------------------------------------------------------------------------

def week_archive() -> list[FeedPaper]:
    """Papers over three ISO weeks, one across a year boundary (2025-W01 starts 2024-12-30)."""
    days = {"2024-12-30": 5, "2025-01-02": 6, "2025-01-08": 3, "2025-01-13": 2}
    items = []
    for day, count in days.items():
        for n in range(count):
            paper_id = f"day-{day}-{n}"
            items.append(entry(make_paper(paper_id, upvotes=10 * n + int(day[-1])), day))
    return items


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_weekly_digest_has_one_item_per_iso_week_with_its_most_upvoted(fmt):
    data = by_path(build_weekly_feed(week_archive(), SITE, top=3))[f"feeds/weekly.{fmt}.xml"]
    assert check_feed(data, f"{SITE.url}/feeds/weekly.{fmt}.xml") == []
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == [
        "Week 2025-W03 (2025-01-13 to 2025-01-19): 2 papers",
        "Week 2025-W02 (2025-01-06 to 2025-01-12): 3 papers",
        "Week 2025-W01 (2024-12-30 to 2025-01-05): the 3 most upvoted of 11 papers",
    ]
    # Stable ids: the week's own page, which is also where the item links.
    weeks = [f"{SITE.url}/2025/W03/", f"{SITE.url}/2025/W02/", f"{SITE.url}/2025/W01/"]
    assert [e.id for e in parsed.entries] == weeks
    assert [e.link for e in parsed.entries] == weeks
    busy = parsed.entries[2]
    assert busy.published_parsed[:3] == (2024, 12, 30)
    if fmt == "atom":  # RSS has one date: the week's first listing day, which stays put
        assert busy.updated_parsed[:3] == (2025, 1, 2)
    html = busy.content[0].value if fmt == "atom" else busy.description
    body = lxml.html.fragment_fromstring(html, create_parent="div")
    listed = [a.get("href") for a in body.iter("a") if "/papers/" in a.get("href")]
    # Upvotes 52, 42 and 40 (a day's papers have 10 * n + the day's last digit).
    assert listed == [page("day-2025-01-02-5"), page("day-2025-01-02-4"),
                      page("day-2024-12-30-4")]
    if fmt == "rss":  # the GUID is the week page's URL: a permalink readers may open
        guids = lxml.etree.fromstring(data).findall("channel/item/guid")
        assert {g.get("isPermaLink") for g in guids} == {"true"}


def test_a_growing_week_updates_its_item_in_place():
    papers = week_archive()
    before = feedparser.parse(by_path(build_weekly_feed(papers[:6], SITE))["feeds/weekly.atom.xml"])
    after = feedparser.parse(by_path(build_weekly_feed(papers, SITE))["feeds/weekly.atom.xml"])
    assert [e.id for e in before.entries] == [f"{SITE.url}/2025/W01/"]
    assert after.entries[-1].id == before.entries[0].id
    assert before.entries[0].updated_parsed[:3] == (2025, 1, 2)


def test_weekly_digest_keeps_the_newest_weeks():
    data = by_path(build_weekly_feed(week_archive(), SITE, count=2))["feeds/weekly.rss.xml"]
    assert [e.id for e in feedparser.parse(data).entries] == [
        f"{SITE.url}/2025/W03/", f"{SITE.url}/2025/W02/"]


# --- Organisation feeds -----------------------------------------------------------------------

def org_archive() -> list[FeedPaper]:
    acme = {"name": "acme", "fullname": "Acme Research"}
    items = [entry(make_paper(f"2605.0010{n}", upvotes=n, organization=acme),
                   f"2026-05-2{n}") for n in range(5)]
    items.append(entry(make_paper("2605.00200", organization={"name": "Tiny.Lab",
                                                              "fullname": ""}), "2026-05-29"))
    return items


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_organisations_with_enough_papers_get_a_feed_of_their_newest(fmt):
    feeds = by_path(build_org_feeds(org_archive(), SITE, count=3, min_papers=5))
    assert sorted(feeds) == ["feeds/orgs/acme.atom.xml", "feeds/orgs/acme.rss.xml"]
    data = feeds[f"feeds/orgs/acme.{fmt}.xml"]
    assert check_feed(data, f"{SITE.url}/feeds/orgs/acme.{fmt}.xml") == []
    parsed = feedparser.parse(data)
    assert [e.id for e in parsed.entries] == [page("2605.00104"), page("2605.00103"),
                                              page("2605.00102")]
    assert parsed.feed.link == f"{SITE.url}/orgs/acme/"
    small = by_path(build_org_feeds(org_archive(), SITE, min_papers=1))
    assert sorted(small) == ["feeds/orgs/Tiny.Lab.atom.xml", "feeds/orgs/Tiny.Lab.rss.xml",
                             "feeds/orgs/acme.atom.xml", "feeds/orgs/acme.rss.xml"]
    tiny = feedparser.parse(small[f"feeds/orgs/Tiny.Lab.{fmt}.xml"])
    assert tiny.feed.title == f"Paper Archive — organisation: Tiny.Lab ({FORMAT_NAMES[fmt]})"


# --- The list of every feed -------------------------------------------------------------------

def opml_outlines(data: bytes) -> list[lxml.etree._Element]:
    root = lxml.etree.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title")
    return root.xpath("/opml/body/outline/outline")


def test_the_opml_lists_every_feed_once_per_format(archive):
    limits = FeedLimits(org_min_papers=1)
    feeds = build_feeds(archive, SITE, limits=limits)
    catalogue = feed_catalogue(archive, SITE, limits=limits)
    listed = {}
    for fmt in ("rss", "atom"):
        opml = build_opml(catalogue, SITE, fmt)
        assert opml.path == OPML_PATHS[fmt]
        outlines = opml_outlines(opml.data)
        urls = [o.get("xmlUrl") for o in outlines]
        assert len(urls) == len(set(urls))
        assert all(url.endswith(f".{fmt}.xml") for url in urls)
        assert all(o.get("type") == "rss" and o.get("text") and o.get("htmlUrl")
                   for o in outlines)
        listed[fmt] = urls
    assert sorted(listed["rss"] + listed["atom"]) == sorted(f"{SITE.url}/{f.path}" for f in feeds)
    folders = lxml.etree.fromstring(build_opml(catalogue, SITE, "rss").data).xpath(
        "/opml/body/outline/@text")
    assert folders == ["The whole archive", "Topics", "Organisations"]


def test_the_catalogue_and_opml_follow_the_settings_and_not_the_day(archive):
    catalogue = feed_catalogue(archive, SITE, kinds=["papers", "topics"])
    assert [(g.key, [f.name for f in g.feeds]) for g in catalogue] == [
        ("site", ["papers"]), ("topics", ["tags/llm", "tags/robotics"])]
    # More upvotes and a new day for a known topic: the same list, the same OPML bytes.
    later = [*archive, entry(make_paper("2605.00020", upvotes=1000), "2026-05-30", LLM)]
    assert feed_catalogue(later, SITE) == feed_catalogue(archive, SITE)
    assert build_opml(feed_catalogue(later, SITE), SITE, "rss") == \
        build_opml(feed_catalogue(archive, SITE), SITE, "rss")
