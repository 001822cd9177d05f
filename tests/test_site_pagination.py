"""Topic and organisation pages after a new day: only the newest pages of the topics and
organisations that got papers change (plus, where a page filled up, the new numbered page and
the one before it, whose "newer papers" link moves to it). Every other page keeps its bytes, so
a daily rebuild need not rewrite them, and every URL keeps showing the same papers."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_TAXONOMY, build_site

from paperarchive.listing_io import load_archive
from paperarchive.taxonomy import load_taxonomy, topics_for

pytestmark = pytest.mark.slow


def list_pages(output: Path, top: bool = False) -> dict[str, bytes]:
    """Topic and organisation pages (not the two indexes), by URL: the newest-first pages, or
    with `top` the most upvoted views (`tags/<slug>/top/`)."""
    return {path.parent.relative_to(output).as_posix() + "/": path.read_bytes()
            for folder in ("tags", "orgs") for path in (output / folder).rglob("index.html")
            if path.parent != output / folder and (path.parent.name == "top") == top}


def link_to(from_url: str, href: str) -> str:
    """The site-relative URL a relative href on the page at `from_url` points to."""
    return urljoin(f"http://site.test/{from_url}", href).removeprefix("http://site.test/")


def group_url(url: str) -> str:
    """`tags/agents/3/` -> `tags/agents/`."""
    return "/".join(url.split("/")[:2]) + "/"


# With 3 papers a page, the fixture's last day fills a page of its biggest topic (8 -> 9).
PAGE_SIZE = 3


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    """The fixture site without its last day, and with it."""
    days = sorted(FIXTURE_ARCHIVE.rglob("*.yaml"))
    listings = tmp_path_factory.mktemp("listings")
    for path in days[:-1]:
        (listings / path.parent.name).mkdir(exist_ok=True)
        shutil.copy(path, listings / path.parent.name / path.name)
    settings = {"ARCHIVE_PAGES": {"page_size": PAGE_SIZE}}
    return (build_site(listings, tmp_path_factory.mktemp("before"), settings=settings),
            build_site(FIXTURE_ARCHIVE, tmp_path_factory.mktemp("after"), settings=settings))


def test_a_new_day_changes_only_the_newest_pages_of_its_topics(builds):
    last_day = load_archive(FIXTURE_ARCHIVE)[-1]
    taxonomy = load_taxonomy(FIXTURE_TAXONOMY)
    got_papers = {f"tags/{topic.slug}/" for paper in last_day.papers
                  for topic in topics_for(paper, taxonomy)}
    got_papers |= {f"orgs/{paper.organization.name}/" for paper in last_day.papers
                   if paper.organization}
    before, after = (list_pages(output) for output in builds)

    assert set(before) <= set(after), "a page disappeared"
    changed = {url for url in before if before[url] != after[url]}
    created = set(after) - set(before)
    assert {group_url(url) for url in changed | created} <= got_papers
    newest_changed = {url for url in changed if url == group_url(url)}
    assert newest_changed == {url for url in got_papers if url in before}
    # A numbered page changes only when the page after it was created by this day, and then
    # only its "newer papers" link: its papers stay.
    for url in changed - newest_changed:
        number = int(url.rstrip("/").rsplit("/", 1)[1])
        assert f"{group_url(url)}{number + 1}/" in created, url
        old, new = (html.fromstring(pages[url]) for pages in (before, after))
        assert old.xpath("//main//h3/a/@href") == new.xpath("//main//h3/a/@href"), url
        assert old.xpath('//a[@rel="next"]/@href') == new.xpath('//a[@rel="next"]/@href'), url
        (newer,) = new.xpath('//a[@rel="prev"]/@href')
        assert link_to(url, newer) == f"{group_url(url)}{number + 1}/", url
    # Not vacuous: numbered pages that stayed, a page that filled up, a new topic page.
    assert any(url != group_url(url) and url not in changed for url in before)
    assert changed - newest_changed and created and newest_changed
    # The most upvoted views change only for the groups that got papers.
    top_before, top_after = (list_pages(output, top=True) for output in builds)
    top_changed = {url for url in top_after if top_before.get(url) != top_after[url]}
    assert top_changed and {group_url(url) for url in top_changed} <= got_papers
