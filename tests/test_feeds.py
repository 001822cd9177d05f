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
    MAX_FEED_AUTHORS,
    FeedPaper,
    FeedSite,
    build_daily_feed,
    build_feeds,
    build_papers_feed,
    build_topic_feeds,
)
from paperarchive.model import Paper, Topic, clean_line

SITE = FeedSite(name="Paper Archive", url="https://papers.example.org/archive")
ATOM = "{http://www.w3.org/2005/Atom}"
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
    assert parsed.feed.title == "Paper Archive: latest papers"
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
    assert [c.text for c in items[1].findall(f"{DC}creator")] == [
        "Zoë O'Brien & Sons", "محمد علي", "<i>Eve</i>"]
    assert [c.text for c in items[3].findall(f"{DC}creator")] == ["Acme Research"]
    assert len(items[4].findall(f"{DC}creator")) == MAX_FEED_AUTHORS


def test_atom_entries_read_back_with_lxml(archive):
    data = by_path(build_papers_feed(archive, SITE))["feeds/papers.atom.xml"]
    feed = lxml.etree.fromstring(data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [page(i) for i in ORDER]
    tricky = entries[1]
    assert tricky.findtext(f"{ATOM}published") == "2026-05-29T00:00:00+00:00"
    assert tricky.findtext(f"{ATOM}updated") == "2026-05-29T00:00:00+00:00"
    assert [a.findtext(f"{ATOM}name") for a in tricky.findall(f"{ATOM}author")] == [
        "Zoë O'Brien & Sons", "محمد علي", "<i>Eve</i>"]
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


def test_long_author_lists_are_cut_with_the_full_count_in_the_text(archive):
    data = by_path(build_papers_feed(archive, SITE))["feeds/papers.atom.xml"]
    entries = lxml.etree.fromstring(data).findall(f"{ATOM}entry")
    many = entries[4]
    assert len(many.findall(f"{ATOM}author")) == MAX_FEED_AUTHORS
    html = many.findtext(f"{ATOM}content")
    assert f"and {438 - MAX_FEED_AUTHORS} more" in html
    copied_html = entries[3].findtext(f"{ATOM}content")
    assert "Acme Research (12 authors)" in copied_html


def test_papers_feed_keeps_the_newest_count(archive):
    data = by_path(build_papers_feed(archive, SITE, count=2))["feeds/papers.rss.xml"]
    assert [e.link for e in feedparser.parse(data).entries] == [page(i) for i in ORDER[:2]]


def test_topic_feeds_keep_their_own_count_and_the_papers_feed_its_own(archive):
    feeds = by_path(build_feeds(archive, SITE, paper_count=3, topic_count=1))
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
    assert robotics.feed.title == "Paper Archive: Robotics & control"
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
                                             "feeds/papers.atom.xml", "feeds/papers.rss.xml"]
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
        build_feeds(archive, SITE, kinds=["papers", "weekly"])
