"""The feeds of the built fixture site: valid, complete, linked from every page, reproducible."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
from archive_feeds.archive_feeds import DEFAULT_SITE_URL
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_PAGE_SIZE, build_site, page_path

from paperarchive.feed_check import check_site_feeds
from paperarchive.listing_io import load_archive
from paperarchive.model import clean_line

pytestmark = pytest.mark.slow

SITE = DEFAULT_SITE_URL  # the fixture is built with pelicanconf.py, where SITEURL is empty
FEED_TYPES = {"application/rss+xml", "application/atom+xml"}
PAPER_LINK_RE = re.compile(r"(?:^|/)papers/([^/]+)/$")


@pytest.fixture(scope="module")
def listings():
    return load_archive(FIXTURE_ARCHIVE)


def feed_files(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in (output / "feeds").rglob("*"))


def topic_slugs(output: Path) -> list[str]:
    return sorted(p.name for p in (output / "tags").iterdir() if p.is_dir())


def local_file(output: Path, url: str) -> Path | None:
    """The output file an absolute URL of the site points at, or None for other sites."""
    if not url.startswith(SITE + "/"):
        return None
    return page_path(output, urlsplit(url).path)


def test_the_site_has_exactly_our_feeds(built_site):
    expected = ["feeds/daily.atom.xml", "feeds/daily.rss.xml",
                "feeds/papers.atom.xml", "feeds/papers.rss.xml"]
    expected += [f"feeds/tags/{slug}.{fmt}.xml" for slug in topic_slugs(built_site)
                 for fmt in ("atom", "rss")]
    assert feed_files(built_site) == sorted([*expected, "feeds/tags"])
    assert topic_slugs(built_site), "the fixture should have topics"
    # Pelican's own feeds are off: no other file anywhere is a feed.
    others = [p for p in built_site.rglob("*.xml") if "feeds" not in p.parts]
    roots = {p.name: lxml.etree.parse(str(p)).getroot().tag for p in others}
    assert {name: tag for name, tag in roots.items()
            if tag in ("rss", "{http://www.w3.org/2005/Atom}feed")} == {}


def test_every_feed_passes_the_spec_check(built_site):
    results = check_site_feeds(built_site, SITE)
    assert len(results) >= 4
    assert {path: problems for path, problems in results.items() if problems} == {}


def test_papers_feed_lists_the_newest_papers_of_the_listings(built_site, listings):
    papers = [(listing.date, paper) for listing in listings for paper in listing.papers]
    papers.sort(key=lambda item: (-item[0].toordinal(), -(item[1].upvotes or 0), item[1].id))
    expected = papers[:100]
    for fmt in ("rss", "atom"):
        parsed = feedparser.parse((built_site / f"feeds/papers.{fmt}.xml").read_bytes())
        assert not parsed.bozo
        assert [e.id for e in parsed.entries] == [f"{SITE}/papers/{p.id}/" for _, p in expected]
        assert [e.link for e in parsed.entries] == [e.id for e in parsed.entries]
        assert [e.title for e in parsed.entries] == [clean_line(p.title) for _, p in expected]
        assert [dt.date(*e.published_parsed[:3]) for e in parsed.entries] == [
            day for day, _ in expected]


def test_daily_digest_has_one_item_per_listing_day(built_site, listings):
    days = sorted(((listing.date, len(listing.papers)) for listing in listings if listing.papers),
                  reverse=True)[:30]
    parsed = feedparser.parse((built_site / "feeds/daily.atom.xml").read_bytes())
    assert [e.title for e in parsed.entries] == [
        f"Daily Papers — {day.isoformat()} ({count} paper{'s' if count != 1 else ''})"
        for day, count in days]
    assert [e.id for e in parsed.entries] == [f"{SITE}/{day:%Y/%m/%d}/" for day, _ in days]


def topic_page_papers(output: Path, slug: str) -> list[str]:
    """Paper ids on a topic's pages, in page order, following its "older papers" links."""
    ids: list[str] = []
    url = f"tags/{slug}/"
    while url:
        page = lxml.html.fromstring(page_path(output, url).read_bytes())
        for href in page.find(".//main").xpath(".//a/@href"):
            match = PAPER_LINK_RE.search(href)
            if match and match.group(1) not in ids:
                ids.append(match.group(1))
        older = page.xpath('//nav[@class="pagination"]/a[@rel="next"]/@href')
        url = urljoin(f"http://site.test/{url}", older[0]).removeprefix("http://site.test/") \
            if older else None
    return ids


def test_each_topic_feed_holds_the_papers_of_its_topic_page(built_site):
    for slug in topic_slugs(built_site):
        on_page = topic_page_papers(built_site, slug)
        assert on_page, slug
        for fmt in ("rss", "atom"):
            parsed = feedparser.parse((built_site / f"feeds/tags/{slug}.{fmt}.xml").read_bytes())
            in_feed = [PAPER_LINK_RE.search(e.link).group(1) for e in parsed.entries]
            assert in_feed == on_page[:100], (slug, fmt)
            assert parsed.feed.link == f"{SITE}/tags/{slug}/"


def test_every_link_into_the_site_resolves(built_site):
    checked = 0
    for path in sorted((built_site / "feeds").rglob("*.xml")):
        root = lxml.etree.fromstring(path.read_bytes())
        urls = [node.text for node in root.iter("link", "guid", "{*}id") if node.text]
        urls += root.xpath("//@href | //@domain | //@scheme")
        for html in root.xpath("//description/text() | //*[local-name()='content']/text()"):
            urls += lxml.html.fragment_fromstring(html, create_parent="div").xpath("//a/@href")
        for url in urls:
            target = local_file(built_site, url)
            if target is not None:
                assert target.exists(), f"{path.name}: {url} -> {target}"
                checked += 1
    assert checked > 0


def html_pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.parts)


def test_every_listing_page_announces_feeds_that_exist(built_site):
    # Paper pages (one per paper) leave the site feeds to the listing pages.
    pages = [page for page in html_pages(built_site)
             if page.relative_to(built_site).parts[0] != "papers"]
    assert pages
    for page in pages:
        tree = lxml.html.fromstring(page.read_bytes())
        alternates = [link for link in tree.xpath("//head/link[@rel='alternate']")
                      if link.get("type") in FEED_TYPES]
        hrefs = [link.get("href") for link in alternates]
        assert len(hrefs) >= 4, page
        assert all(link.get("title") for link in alternates), page
        for href in hrefs:
            # Resolve as a browser would, from the page's own URL.
            page_url = f"{SITE}/{page.relative_to(built_site).as_posix()}"
            target = local_file(built_site, urljoin(page_url, href))
            assert target is not None and target.is_file(), (page, href)


def test_topic_pages_announce_and_link_their_own_feeds(built_site):
    for slug in topic_slugs(built_site):
        tree = lxml.html.fromstring(page_path(built_site, f"tags/{slug}/").read_bytes())
        head = [link.get("href") for link in tree.xpath("//head/link[@rel='alternate']")]
        body = tree.find(".//main").xpath(".//a/@href")
        for fmt in ("rss", "atom"):
            assert any(h.endswith(f"feeds/tags/{slug}.{fmt}.xml") for h in head), slug
            assert any(h.endswith(f"feeds/tags/{slug}.{fmt}.xml") for h in body), slug


def test_two_builds_of_the_same_listings_give_byte_identical_feeds(built_site, tmp_path):
    again = build_site(FIXTURE_ARCHIVE, tmp_path,
                       settings={"ARCHIVE_PAGES": {"page_size": FIXTURE_PAGE_SIZE}})
    first = {name: (built_site / name).read_bytes() for name in feed_files(built_site)
             if name.endswith(".xml")}
    second = {name: (again / name).read_bytes() for name in feed_files(again)
              if name.endswith(".xml")}
    assert first == second
