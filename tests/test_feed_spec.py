"""The spec-level feed checker: it passes our feeds and catches each rule a feed can break."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from paperarchive.feed_check import check_feed, main, parse_rfc822, parse_rfc3339
from paperarchive.feeds import FeedPaper, FeedSite, build_feeds
from paperarchive.model import Paper, Topic

SITE = FeedSite(name="Paper Archive", url="https://papers.example.org")


def sample_feeds() -> dict[str, bytes]:
    papers = [
        FeedPaper(Paper.from_mapping({"id": f"2605.0000{n}", "title": f"Paper {n}",
                                      "authors": ["Ada"], "abstract": "A & B.",
                                      "upvotes": n}),
                  dt.date(2026, 5, 28 + n % 2), (Topic("llm", "LLMs"),),
                  f"{SITE.url}/papers/2605.0000{n}/")
        for n in range(1, 4)
    ]
    return {feed.path: feed.data for feed in build_feeds(papers, SITE)}


@pytest.fixture(scope="module")
def feeds() -> dict[str, bytes]:
    return sample_feeds()


def url(path: str) -> str:
    return f"{SITE.url}/{path}"


def test_our_feeds_pass(feeds):
    assert len(feeds) == 8
    for path, data in feeds.items():
        assert check_feed(data, url(path)) == [], path


def mutate(data: bytes, old: str, new: str, count: int = 1) -> bytes:
    text = data.decode()
    assert old in text, old
    return text.replace(old, new, count).encode()


RSS = "feeds/papers.rss.xml"
ATOM = "feeds/papers.atom.xml"
PAPER1 = f"{SITE.url}/papers/2605.00001/"
PAPER3 = f"{SITE.url}/papers/2605.00003/"


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        # RSS 2.0
        (RSS, "<title>Paper Archive — latest papers (RSS)</title>", "", "<title> is required"),
        (RSS, '<rss ', '<rss foo="1" ', None),  # harmless: must not be reported
        (RSS, 'version="2.0"', 'version="0.91"', "expected '2.0'"),
        (RSS, "<pubDate>Fri, 29 May 2026 00:00:00 +0000</pubDate>",
         "<pubDate>2026-05-29</pubDate>", "not an RFC 822 date"),
        (RSS, "<pubDate>Fri, 29 May 2026 00:00:00 +0000</pubDate>",
         "<pubDate>Thu, 29 May 2026 00:00:00 +0000</pubDate>", "that day is a Fri"),
        (RSS, "<pubDate>Fri, 29 May 2026 00:00:00 +0000</pubDate>",
         "<pubDate>Fri, 29 May 2026 00:00:00</pubDate>", "not an RFC 822 date"),
        (RSS, "<pubDate>Fri, 29 May 2026 00:00:00 +0000</pubDate>",
         "<pubDate>Sat, 30 May 2026 00:00:00 +0000</pubDate>", "after the channel's"),
        (RSS, f"<guid isPermaLink=\"true\">{PAPER3}</guid>",
         f"<guid isPermaLink=\"true\">{PAPER1}</guid>", "guid repeats"),
        (RSS, f"<guid isPermaLink=\"true\">{PAPER1}</guid>",
         "<guid isPermaLink=\"true\">/papers/2605.00001/</guid>", "not an absolute http(s)"),
        (RSS, f"<link>{PAPER1}</link>", "<link>papers/2605.00001/</link>",
         "not an absolute http(s)"),
        (RSS, f'href="{SITE.url}/feeds/papers.rss.xml"', f'href="{SITE.url}/feeds/other.xml"',
         "self link is"),
        (RSS, "&lt;/p&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;",
         "<script> element"),
        (RSS, "&lt;a href=", "&lt;a onclick=\"x()\" href=", "event handler"),
        (RSS, f'&lt;a href="{PAPER1}"', '&lt;a href="javascript:alert(1)"',
         "not an absolute http(s)"),
        (RSS, "<title>Paper 1</title>", "<title>Paper &#1;</title>", "well-formed"),
        # Atom (RFC 4287)
        (ATOM, f"<id>{SITE.url}/feeds/papers.atom.xml</id>", "", "expected one <id>"),
        (ATOM, f"<id>{PAPER3}</id>", "<id>papers/2605.00003</id>", "not an absolute IRI"),
        (ATOM, f"<id>{PAPER3}</id>", f"<id>{PAPER1}</id>", "id repeats"),
        (ATOM, "<updated>2026-05-29T00:00:00+00:00</updated>",
         "<updated>2026-05-29T00:00:00</updated>", "RFC 3339"),
        (ATOM, "<published>2026-05-29T00:00:00+00:00</published>",
         "<published>May 29, 2026</published>", "RFC 3339"),
        # Harmless while every entry has an author of its own.
        (ATOM, "<author>\n    <name>Paper Archive</name>\n  </author>", "", None),
        (ATOM, 'rel="self"', 'rel="via"', "self link(s) []"),
        (ATOM, f'<link href="{SITE.url}/" rel="alternate" type="text/html"/>', "",
         "no <link rel=\"alternate\">"),
        (ATOM, f'<link href="{PAPER1}"/>', f'<link href="{PAPER1}"/><link href="{PAPER1}"/>',
         "two rel=\"alternate\" links"),
        (ATOM, '<content type="html">', '<content type="application/x-foo">',
         "is not text, html or xhtml"),
        (ATOM, 'term="llm"', 'term=""', "<category> without a term"),
    ],
)
def test_each_broken_rule_is_reported(feeds, path, old, new, expected):
    problems = check_feed(mutate(feeds[path], old, new), url(path))
    if expected is None:
        assert problems == []
    else:
        assert any(expected in problem for problem in problems), problems


def test_an_entry_without_an_author_needs_one_on_the_feed(feeds):
    without = re.sub(rb"\s*<author>\s*<name>[^<]*</name>\s*</author>", b"", feeds[ATOM])
    assert b"<author>" not in without
    problems = check_feed(without, url(ATOM))
    assert any("no <author>, and the feed has none" in problem for problem in problems)


def test_xml_invalid_characters_are_reported_even_when_a_parser_would_give_up():
    problems = check_feed(b"<rss version='2.0'><channel><title>a\x01</title></channel></rss>",
                          url(RSS))
    assert any("U+0001" in problem for problem in problems)


def test_a_feed_at_another_url_fails_its_self_link(feeds):
    problems = check_feed(feeds[ATOM], "https://elsewhere.example/feeds/papers.atom.xml")
    assert any("self link" in problem for problem in problems)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("Fri, 29 May 2026 00:00:00 +0000", True), ("29 May 2026 00:00 GMT", True),
     ("Fri, 29 May 2026 00:00:00 Z", True), ("Fri, 29 May 2026 25:00:00 +0000", False),
     ("Fri, 31 Feb 2026 00:00:00 +0000", False), ("Fri, 29 May 2026 00:00:00 -0000", False),
     ("Friday, 29 May 2026 00:00:00 +0000", False), ("2026-05-29T00:00:00Z", False)],
)
def test_rfc822_dates(value, ok):
    # -0000 is "time zone unknown" (RFC 2822 3.3): a reader cannot place the item in time.
    when, problem = parse_rfc822(value)
    assert (problem is None) == ok, problem
    if ok:
        assert when.tzinfo is not None


@pytest.mark.parametrize(
    ("value", "ok"),
    [("2026-05-29T00:00:00+00:00", True), ("2026-05-29T00:00:00Z", True),
     ("2026-05-29T00:00:00.5-07:00", True), ("2026-05-29T00:00:00", False),
     ("2026-05-29", False), ("2026-02-30T00:00:00Z", False)],
)
def test_rfc3339_dates(value, ok):
    _, problem = parse_rfc3339(value)
    assert (problem is None) == ok, problem


def test_command_line_checks_a_built_output_folder(tmp_path, feeds):
    for path, data in feeds.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    assert main([str(tmp_path), SITE.url]) == 0
    assert main([str(tmp_path), "http://localhost:8000"]) == 1  # every self link is wrong
    (tmp_path / RSS).write_bytes(b"<rss")
    assert main([str(tmp_path), SITE.url]) == 1
    assert main([str(tmp_path / "missing"), SITE.url]) == 1
