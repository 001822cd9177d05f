"""Topic and organisation pages list lean cards (no topic links); day pages keep full cards.

A paper appears on the page of each of its 3-5 topics, so what its card carries there is
multiplied: the lean card keeps title, authors, organisation, day and counts.
"""

from __future__ import annotations

from pathlib import Path


def cards(site_page, url: str) -> list:
    return site_page(url).xpath("//main//article[contains(@class, 'paper-card')]")


def test_topic_and_organisation_pages_have_cards_without_topic_links(built_site: Path, site_page):
    topic_pages = sorted((built_site / "tags").glob("*/index.html"))
    org_pages = sorted((built_site / "orgs").glob("*/index.html"))
    assert topic_pages and org_pages
    for page in (*topic_pages, *org_pages):
        url = str(page.parent.relative_to(built_site)) + "/"
        listed = cards(site_page, url)
        assert listed, url
        for card in listed:
            assert card.xpath(".//h2/a/@href") and card.xpath(".//time/@datetime")
            assert card.xpath(".//ul[contains(@class, 'topic-list')]") == [], url


def test_day_pages_keep_the_topic_links(site_page):
    listed = cards(site_page, "2026/05/29/")
    assert listed
    assert any(card.xpath(".//ul[contains(@class, 'topic-list')]//a[@rel='tag']")
               for card in listed)
