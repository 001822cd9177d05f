"""The feeds of the built fixture site: valid, complete, linked from every page, reproducible."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
from archive_feeds.archive_feeds import DEFAULT_SITE_URL
from site_helpers import (
    FIXTURE_ARCHIVE,
    FIXTURE_ORG_MIN_PAPERS,
    FIXTURE_SETTINGS,
    build_site,
    page_path,
)

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


def org_counts(listings) -> Counter:
    return Counter(paper.organization.name for listing in listings for paper in listing.papers
                   if paper.organization)


def feed_orgs(listings) -> list[str]:
    """Organisations with enough papers for a feed in the fixture site."""
    return sorted(name for name, count in org_counts(listings).items()
                  if count >= FIXTURE_ORG_MIN_PAPERS)


def local_file(output: Path, url: str) -> Path | None:
    """The output file an absolute URL of the site points at, or None for other sites."""
    if not url.startswith(SITE + "/"):
        return None
    return page_path(output, urlsplit(url).path)


def test_the_site_has_exactly_our_feeds(built_site, listings):
    expected = [f"feeds/{name}.{fmt}.xml" for name in ("daily", "papers", "weekly")
                for fmt in ("atom", "rss")]
    expected += [f"feeds/tags/{slug}.{fmt}.xml" for slug in topic_slugs(built_site)
                 for fmt in ("atom", "rss")]
    expected += [f"feeds/orgs/{name}.{fmt}.xml" for name in feed_orgs(listings)
                 for fmt in ("atom", "rss")]
    pages = ["feeds/index.html", "feeds/feeds.opml", "feeds/feeds.atom.opml"]
    assert feed_files(built_site) == sorted([*expected, *pages, "feeds/tags", "feeds/orgs"])
    assert topic_slugs(built_site), "the fixture should have topics"
    assert feed_orgs(listings), "the fixture should have an organisation with a feed"
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
    # Every link and id, the weekly items' week pages (their ids too) included.
    week_ids = lxml.etree.parse(str(built_site / "feeds/weekly.rss.xml")).xpath("//guid/text()")
    assert week_ids
    assert all(re.fullmatch(re.escape(SITE) + r"/[0-9]{4}/W[0-9]{2}/", url) for url in week_ids)
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
    again = build_site(FIXTURE_ARCHIVE, tmp_path, settings=FIXTURE_SETTINGS)
    first = {name: (built_site / name).read_bytes() for name in feed_files(built_site)
             if name.endswith((".xml", ".opml"))}
    second = {name: (again / name).read_bytes() for name in feed_files(again)
              if name.endswith((".xml", ".opml"))}
    assert first == second


# --- What a subscriber sees -------------------------------------------------------------------

def expected_author(paper) -> str | None:
    """The author line a reader should show: the first three names, "et al." for more."""
    names = [name for name in (clean_line(n) for n in paper.authors) if name]
    if names:
        more = max(paper.author_count or 0, len(names)) > 3
        return ", ".join(names[:3]) + (" et al." if more else "")
    return clean_line(paper.organization.display_name) if paper.organization else None


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_a_reader_sees_the_first_author_of_each_paper(built_site, listings, fmt):
    papers = {paper.id: paper for listing in listings for paper in listing.papers}
    checked = 0
    feeds = [built_site / f"feeds/papers.{fmt}.xml",
             *sorted((built_site / "feeds").glob(f"*s/*.{fmt}.xml"))]
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, path
        for entry in parsed.entries:
            paper = papers[PAPER_LINK_RE.search(entry.link).group(1)]
            assert entry.get("author") == expected_author(paper), (path.name, paper.id)
            assert len(entry.get("authors", [])) <= 1
            if paper.authors:
                assert entry.author.startswith(clean_line(paper.authors[0]))
            assert not re.fullmatch(r"[0-9]+ authors?", entry.get("author") or "")
            checked += 1
    assert checked >= len(papers)  # every paper, in the papers feed at least
    assert any(len(p.authors) > 3 for p in papers.values())


def test_weekly_feed_has_one_item_per_iso_week_of_the_listings(built_site, listings):
    weeks: dict[tuple[int, int], list] = {}
    for listing in listings:
        for paper in listing.papers:
            weeks.setdefault(listing.date.isocalendar()[:2], []).append((listing.date, paper))
    newest = sorted(weeks, reverse=True)[:12]
    for fmt in ("rss", "atom"):
        parsed = feedparser.parse((built_site / f"feeds/weekly.{fmt}.xml").read_bytes())
        assert not parsed.bozo
        assert [e.id for e in parsed.entries] == [f"{SITE}/{y}/W{w:02d}/" for y, w in newest]
        for entry, week in zip(parsed.entries, newest, strict=True):
            assert entry.link == f"{SITE}/{week[0]}/W{week[1]:02d}/"
            assert (built_site / f"{week[0]}/W{week[1]:02d}/index.html").is_file()
            assert entry.title.startswith(f"Week {week[0]}-W{week[1]:02d} ")
            html = entry.content[0].value if fmt == "atom" else entry.description
            listed = [PAPER_LINK_RE.search(href).group(1) for href in lxml.html.fragment_fromstring(
                html, create_parent="div").xpath("//a/@href") if PAPER_LINK_RE.search(href)]
            top = sorted(weeks[week], key=lambda item: (-(item[1].upvotes or 0), item[1].id))
            assert listed == [paper.id for _, paper in top[:10]]


def all_feed_urls(output: Path) -> list[str]:
    return sorted(f"{SITE}/{p.relative_to(output).as_posix()}"
                  for p in (output / "feeds").rglob("*.xml"))


def test_the_opml_lists_every_feed_file(built_site):
    listed = []
    for name, fmt in (("feeds.opml", "rss"), ("feeds.atom.opml", "atom")):
        root = lxml.etree.parse(str(built_site / "feeds" / name)).getroot()
        assert root.tag == "opml" and root.get("version") == "2.0"
        outlines = root.xpath("/opml/body/outline/outline[@type='rss']")
        urls = [o.get("xmlUrl") for o in outlines]
        assert len(urls) == len(set(urls)), name  # each feed once: no double subscriptions
        assert all(url.endswith(f".{fmt}.xml") for url in urls), name
        for outline in outlines:
            assert outline.get("text") == outline.get("title")
            assert outline.get("text").endswith(f"({'RSS' if fmt == 'rss' else 'Atom'})")
            target = local_file(built_site, outline.get("htmlUrl"))
            assert target is not None and target.is_file(), outline.get("htmlUrl")
        listed += urls
    assert sorted(listed) == all_feed_urls(built_site)


def body_links(output: Path, url: str) -> list[str]:
    """Absolute URLs of the links in a page's <body>, resolved from the page's own URL."""
    tree = lxml.html.fromstring(page_path(output, url).read_bytes())
    return [urljoin(f"{SITE}/{url}", href) for href in tree.body.xpath(".//a/@href")]


def test_the_feeds_page_links_every_feed_and_both_opml_lists(built_site):
    links = body_links(built_site, "feeds/")
    feeds = sorted({link for link in links if link.endswith(".xml")})
    assert feeds == all_feed_urls(built_site)
    assert f"{SITE}/feeds/feeds.opml" in links and f"{SITE}/feeds/feeds.atom.opml" in links
    tree = lxml.html.fromstring(page_path(built_site, "feeds/").read_bytes())
    main = tree.find(".//main")
    assert main.findtext(".//h1") == "Feeds"
    sections = [section.findtext("h2") for section in main.iter("section")]
    assert sections == ["The whole archive", "Topics", "Organisations"]
    site_feeds = main.find(".//section").xpath(".//li")
    assert len(site_feeds) == 3
    for item in site_feeds:  # each with a line on what it carries, and both formats
        assert item.findtext("p").strip()
        assert [a.text for a in item.xpath(".//a[@type]")] == ["RSS", "Atom"]
    for link in links:
        target = local_file(built_site, link)
        assert target is None or target.exists(), link
    sitemap = lxml.etree.parse(str(built_site / "sitemap.xml"))
    assert [loc for loc in sitemap.xpath("//*[local-name()='loc']/text()")
            if "feeds" in loc] == ["/feeds/"]


def test_every_page_links_the_feeds_page_visibly(built_site):
    pages = [p for p in html_pages(built_site) if p.name != "404.html"]
    kinds = {p.relative_to(built_site).parts[0] for p in pages}
    assert {"index.html", "2026", "archive", "tags", "orgs", "papers", "feeds"} <= kinds
    for page in pages:
        url = page.parent.relative_to(built_site).as_posix() + "/"
        url = "" if url == "./" else url
        footer = lxml.html.fromstring(page.read_bytes()).find(".//footer")
        hrefs = [urljoin(f"{SITE}/{url}", href) for href in footer.xpath(".//a/@href")]
        assert f"{SITE}/feeds/" in hrefs, page


def test_organisation_pages_link_their_feed_when_they_have_one(built_site, listings):
    counts = org_counts(listings)
    with_feed = feed_orgs(listings)
    for name in counts:
        links = [link for link in body_links(built_site, f"orgs/{name}/") if "/feeds/orgs/" in link]
        tree = lxml.html.fromstring(page_path(built_site, f"orgs/{name}/").read_bytes())
        head = [urljoin(f"{SITE}/orgs/{name}/", href)
                for href in tree.xpath("//head/link[@rel='alternate']/@href")
                if "/feeds/orgs/" in href]
        if name in with_feed:
            expected = [f"{SITE}/feeds/orgs/{name}.rss.xml", f"{SITE}/feeds/orgs/{name}.atom.xml"]
            assert links == expected and head == expected, name
            assert all(local_file(built_site, link).is_file() for link in links)
        else:
            assert links == [] and head == [], name
