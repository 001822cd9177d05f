"""The archive_feeds plugin's own work: settings, collecting papers, writing files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import feedparser
import jinja2
import lxml.etree
import lxml.html
import pytest
from archive_feeds.archive_feeds import (
    DEFAULT_SITE_URL,
    ArchiveFeedsError,
    FeedOptions,
    FeedsPageGenerator,
    collect_papers,
    feed_site,
    generate_feeds,
    normalise_settings,
    read_options,
    write_feeds,
)
from pelican.generators import ArticlesGenerator

from paperarchive.feeds import Feed, FeedLimits
from paperarchive.model import Organization, Paper, Topic


def test_defaults_when_unset():
    assert read_options({}) == FeedOptions()
    assert read_options({"ARCHIVE_FEEDS": {"count": 5}}).limits.papers == 5
    assert read_options({"ARCHIVE_FEEDS": {"topic_count": 7}}).limits.topic_papers == 7
    options = read_options({"ARCHIVE_FEEDS": {"min_upvotes": 0, "weeks": 4, "week_papers": 3,
                                              "org_count": 9, "org_min_papers": 2}})
    assert options.limits == FeedLimits(min_upvotes=0, weeks=4, week_papers=3, org_papers=9,
                                        org_min_papers=2)
    assert options.feeds == ("papers", "daily", "weekly", "topics", "orgs")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "expected a dict"),
        ({"cuont": 5}, "unknown key(s) cuont"),
        ({"count": 0}, "ARCHIVE_FEEDS['count']"),
        ({"count": "100"}, "ARCHIVE_FEEDS['count']"),
        ({"days": True}, "ARCHIVE_FEEDS['days']"),
        ({"topic_count": 0}, "ARCHIVE_FEEDS['topic_count']"),
        ({"feeds": "papers"}, "ARCHIVE_FEEDS['feeds']"),
        ({"feeds": ["papers", "monthly"]}, "ARCHIVE_FEEDS['feeds']"),
        ({"min_upvotes": -1}, "ARCHIVE_FEEDS['min_upvotes']: expected a whole number from 0"),
        ({"org_min_papers": 0}, "ARCHIVE_FEEDS['org_min_papers']: expected a whole number from 1"),
        ({"weeks": 1.5}, "ARCHIVE_FEEDS['weeks']"),
        ({"week_papers": None}, "ARCHIVE_FEEDS['week_papers']"),
        ({"org_count": 10_001}, "ARCHIVE_FEEDS['org_count']"),
        ({"site_url": "/archive/"}, "ARCHIVE_FEEDS['site_url']"),
        ({"site_url": "javascript:alert(1)"}, "ARCHIVE_FEEDS['site_url']"),
    ],
)
def test_bad_settings_name_the_key(value, message):
    with pytest.raises(ArchiveFeedsError) as excinfo:
        read_options({"ARCHIVE_FEEDS": value})
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    ("siteurl", "site_url", "expected"),
    [
        ("", "", DEFAULT_SITE_URL),
        ("/relative", "", DEFAULT_SITE_URL),
        ("https://papers.example.org/", "", "https://papers.example.org"),
        ("https://papers.example.org", "https://mirror.example.net/p", "https://mirror.example.net/p"),
    ],
)
def test_feeds_always_get_an_absolute_site_url(siteurl, site_url, expected):
    settings = {"SITEURL": siteurl, "SITENAME": "Archive",
                "ARCHIVE_FEEDS": {"site_url": site_url}}
    site = feed_site(settings, read_options(settings))
    assert site.url == expected
    assert site.absolute("papers/x/") == f"{expected}/papers/x/"


def article(paper_id: str, day: str, *topics: Topic, **extra):
    paper = Paper.from_mapping({"id": paper_id, "title": f"Title {paper_id}",
                                "authors": ["Ada"], "abstract": "Text."})
    return SimpleNamespace(paper=paper, listing_day=dt.date.fromisoformat(day), topics=topics,
                           url=f"papers/{paper_id}/", source_path=f"content/{paper_id}.md",
                           **extra)


def test_only_papers_are_collected_with_absolute_urls():
    site = feed_site({"SITEURL": "https://p.example"}, FeedOptions())
    note = SimpleNamespace(url="about/", source_path="content/about.md")
    papers = collect_papers([article("2605.00001", "2026-05-29"), note], site)
    assert [(p.paper.id, p.url) for p in papers] == [
        ("2605.00001", "https://p.example/papers/2605.00001/")]


def test_a_paper_without_listing_day_names_its_file():
    broken = article("2605.00001", "2026-05-29")
    broken.listing_day = None
    with pytest.raises(ArchiveFeedsError, match=r"content/2605\.00001\.md.*listing_day"):
        collect_papers([broken], feed_site({}, FeedOptions()))


def test_writes_are_skipped_when_unchanged_and_stale_feeds_removed(tmp_path):
    first = [Feed("feeds/papers.rss.xml", b"<rss/>"), Feed("feeds/tags/old.rss.xml", b"<rss/>")]
    assert write_feeds(tmp_path, first) == (2, 0)
    unrelated = tmp_path / "index.html"
    unrelated.write_text("page")
    second = [Feed("feeds/papers.rss.xml", b"<rss/>"), Feed("feeds/tags/new.rss.xml", b"<x/>")]
    assert write_feeds(tmp_path, second) == (1, 1)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.xml")) == [
        "feeds/papers.rss.xml", "feeds/tags/new.rss.xml"]
    assert unrelated.read_text() == "page"
    assert not list(tmp_path.rglob("*.tmp"))


def test_the_receiver_writes_the_configured_feeds(tmp_path):
    generator = object.__new__(ArticlesGenerator)
    generator.settings = {"SITEURL": "https://p.example", "SITENAME": "Archive",
                          "TAG_URL": "tag/{slug}.html",  # Pelican's, for pages we do not write
                          "ARCHIVE_FEEDS": {"feeds": ["papers", "topics"], "count": 1}}
    generator.output_path = str(tmp_path)
    generator.articles = [article("2605.00001", "2026-05-28", Topic("llm", "LLMs")),
                          article("2605.00002", "2026-05-29")]
    page = object.__new__(FeedsPageGenerator)
    generate_feeds([object(), generator, page])
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*"))
    assert written == ["feeds/feeds.atom.opml", "feeds/feeds.opml",
                       "feeds/papers.atom.xml", "feeds/papers.rss.xml",
                       "feeds/tags/llm.atom.xml", "feeds/tags/llm.rss.xml"]
    # The feeds page gets the same list of feeds the OPML has.
    assert [(group.key, [feed.name for feed in group.feeds]) for group in page.catalogue] == [
        ("site", ["papers"]), ("topics", ["tags/llm"])]
    opml = lxml.etree.fromstring((tmp_path / "feeds/feeds.opml").read_bytes())
    assert opml.xpath("//outline/@xmlUrl") == ["https://p.example/feeds/papers.rss.xml",
                                               "https://p.example/feeds/tags/llm.rss.xml"]
    papers = feedparser.parse((tmp_path / "feeds/papers.rss.xml").read_bytes())
    assert [e.link for e in papers.entries] == ["https://p.example/papers/2605.00002/"]
    llm = feedparser.parse((tmp_path / "feeds/tags/llm.atom.xml").read_bytes())
    assert llm.feed.link == "https://p.example/tags/llm/"


def test_templates_see_the_complete_settings():
    pelican = SimpleNamespace(settings={"ARCHIVE_FEEDS": {"count": 7}})
    normalise_settings(pelican)
    assert pelican.settings["ARCHIVE_FEEDS"] == {
        "feeds": ["papers", "daily", "weekly", "topics", "orgs"], "count": 7, "min_upvotes": 0,
        "days": 30, "weeks": 12, "week_papers": 10, "topic_count": 50, "org_count": 20,
        "org_min_papers": 5, "site_url": ""}
    with pytest.raises(ArchiveFeedsError):
        normalise_settings(SimpleNamespace(settings={"ARCHIVE_FEEDS": {"count": -1}}))


THEME = Path(__file__).resolve().parent.parent / "theme" / "templates"


def render_partial(name: str, **context) -> lxml.html.HtmlElement:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(THEME), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    html = env.get_template(f"partials/{name}").render(SITENAME="Archive <&>", SITEURL="../..",
                                                      **context)
    return lxml.html.fragment_fromstring(f"<div>{html}</div>")


def test_every_page_announces_the_feeds_that_are_written():
    head = render_partial("head_feeds.html",
                          ARCHIVE_FEEDS={"feeds": ["papers", "daily", "topics"]})
    links = [(a.get("type"), a.get("href"), a.get("title")) for a in head.iter("link")]
    assert links == [
        ("application/rss+xml", "../../feeds/papers.rss.xml", "Archive <&> — latest papers (RSS)"),
        ("application/atom+xml", "../../feeds/papers.atom.xml",
         "Archive <&> — latest papers (Atom)"),
        ("application/rss+xml", "../../feeds/daily.rss.xml", "Archive <&> — daily digest (RSS)"),
        ("application/atom+xml", "../../feeds/daily.atom.xml",
         "Archive <&> — daily digest (Atom)"),
    ]
    weekly = render_partial("head_feeds.html", ARCHIVE_FEEDS={"feeds": ["weekly"]})
    assert [a.get("title") for a in weekly.iter("link")] == [
        "Archive <&> — weekly top papers (RSS)", "Archive <&> — weekly top papers (Atom)"]
    only_papers = render_partial("head_feeds.html", ARCHIVE_FEEDS={"feeds": ["papers"]})
    assert len(list(only_papers.iter("link"))) == 2
    assert not list(render_partial("head_feeds.html").iter("link"))  # plugin not loaded


def test_topic_pages_announce_and_show_their_own_feeds():
    topic = Topic("r-and-d", 'R&D "<b>"')
    settings = {"ARCHIVE_FEEDS": {"feeds": ["papers", "topics"]}, "topic": topic}
    head = render_partial("head_feeds.html", **settings)
    topic_links = [a for a in head.iter("link") if "/tags/" in a.get("href")]
    assert [(a.get("href"), a.get("title")) for a in topic_links] == [
        ("../../feeds/tags/r-and-d.rss.xml", 'Archive <&> — topic: R&D "<b>" (RSS)'),
        ("../../feeds/tags/r-and-d.atom.xml", 'Archive <&> — topic: R&D "<b>" (Atom)'),
    ]
    visible = render_partial("topic_feeds.html", **settings)
    assert [a.get("href") for a in visible.iter("a")] == [
        "../../feeds/tags/r-and-d.rss.xml", "../../feeds/tags/r-and-d.atom.xml", "../../feeds/"]
    assert 'R&D "<b>"' in visible.text_content()
    assert not list(visible.iter("b"))


@pytest.mark.parametrize(
    ("count", "page_last", "min_papers", "kinds", "shown"),
    [
        (5, 5, 5, ["orgs"], True),  # the newest page knows the total
        (4, 4, 5, ["orgs"], False),  # too few papers: no feed is written
        (None, 200, 5, ["orgs"], True),  # a numbered page: at least 200 papers
        (9, 9, 5, ["papers"], False),  # organisation feeds switched off
    ],
)
def test_organisation_pages_link_their_feed_when_it_is_written(count, page_last, min_papers,
                                                               kinds, shown):
    settings = {"ARCHIVE_FEEDS": {"feeds": kinds, "org_min_papers": min_papers},
                "organization": Organization("Acme.Lab", 'Acme "<b>"'), "count": count,
                "page": SimpleNamespace(last=page_last)}
    head = render_partial("head_feeds.html", **settings)
    head_links = [(a.get("href"), a.get("title")) for a in head.iter("link")
                  if "/orgs/" in a.get("href")]
    visible = render_partial("org_feeds.html", **settings)
    hrefs = [a.get("href") for a in visible.iter("a")]
    if not shown:
        assert head_links == [] and hrefs == []
        return
    assert head_links == [
        ("../../feeds/orgs/Acme.Lab.rss.xml", 'Archive <&> — organisation: Acme "<b>" (RSS)'),
        ("../../feeds/orgs/Acme.Lab.atom.xml", 'Archive <&> — organisation: Acme "<b>" (Atom)'),
    ]
    assert hrefs == ["../../feeds/orgs/Acme.Lab.rss.xml", "../../feeds/orgs/Acme.Lab.atom.xml",
                     "../../feeds/"]
    assert 'Acme "<b>"' in visible.text_content()
    assert not list(visible.iter("b"))
