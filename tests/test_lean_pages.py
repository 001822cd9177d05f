"""Topic and organisation pages list lean rows; day pages keep full cards.

A paper appears on the pages of each of its 3-5 topics, so what its row carries there is
multiplied: title (linked), first author, organisation and upvotes, under a heading per
listing day. No author list, comments or topic links.
"""

from __future__ import annotations

from pathlib import Path

from site_helpers import FIXTURE_ARCHIVE

from paperarchive.listing_io import load_archive

PAPERS = {paper.id: paper for listing in load_archive(FIXTURE_ARCHIVE)
          for paper in listing.papers}


def list_pages(built_site: Path) -> list[str]:
    pages = sorted([*(built_site / "tags").glob("*/index.html"),
                    *(built_site / "tags").glob("*/*/index.html"),
                    *(built_site / "orgs").glob("*/index.html"),
                    *(built_site / "orgs").glob("*/*/index.html")])
    # Not the most upvoted views (tags/<slug>/top/): those rank papers from many days.
    return [str(page.parent.relative_to(built_site)) + "/" for page in pages
            if page.parent.name != "top"]


def test_topic_and_organisation_pages_list_lean_rows_under_day_headings(built_site, site_page):
    urls = list_pages(built_site)
    assert any(url.startswith("tags/") and url.count("/") == 3 for url in urls)  # numbered
    for url in urls:
        page = site_page(url)
        rows = page.xpath("//main//ol[@class='paper-rows']/li")
        assert rows, url
        assert page.xpath("//main//article[contains(@class, 'paper-card')]") == [], url
        assert page.xpath("//main//ul[contains(@class, 'topic-list')]") == [], url
        for row in rows:
            (href,) = row.xpath("./h3/a/@href")
            paper = PAPERS[href.rstrip("/").rsplit("/", 1)[-1]]
            facts = row.xpath("string(./p)")
            if len(paper.authors) > 1:
                assert facts.startswith(f"{paper.authors[0]} et al."), (url, facts)
                assert paper.authors[1] not in facts, (url, facts)
            assert row.xpath("./preceding::h2[1]/time/@datetime"), url


def test_organisation_pages_do_not_repeat_the_organisation_on_every_row(site_page):
    page = site_page("orgs/google/")
    name = page.xpath("string(//h1)")
    assert all(name not in row.xpath("string(./p)")
               for row in page.xpath("//ol[@class='paper-rows']/li"))


def test_day_pages_keep_the_topic_links(site_page):
    listed = site_page("2026/05/29/").xpath("//main//article[contains(@class, 'paper-card')]")
    assert listed
    assert any(card.xpath(".//ul[contains(@class, 'topic-list')]//a[@rel='tag']")
               for card in listed)
