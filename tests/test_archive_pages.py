"""The archive_pages grouping logic, without Pelican."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from archive_pages.archive import (
    build_archive,
    day_url,
    entry_from_metadata,
    org_url,
    page_url,
    paginate,
    save_as,
    topic_url,
)
from archive_pages.plugin import plugin_settings

from paperarchive.model import ListingError, Organization, Paper, Topic

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


def test_empty_archive():
    archive = build_archive([])
    assert archive.latest is None and archive.days == () and archive.topics == ()


@pytest.mark.parametrize(("count", "size", "pages"), [(0, 2, [0]), (1, 2, [1]), (4, 2, [2, 2]),
                                                      (5, 2, [2, 2, 1]), (5, 50, [5])])
def test_paginate(count, size, pages):
    result = paginate(list(range(count)), size, "tags/x/")
    assert [len(p.items) for p in result] == pages
    assert [p.url for p in result] == ["tags/x/"] + [f"tags/x/page/{n}/"
                                                     for n in range(2, len(pages) + 1)]
    assert result[0].previous_url is None and result[-1].next_url is None
    for before, after in itertools.pairwise(result):
        assert before.next_url == after.url and after.previous_url == before.url
    assert [item for p in result for item in p.items] == list(range(count))


def test_urls():
    assert day_url(dt.date(2026, 6, 3)) == "2026/06/03/"
    assert topic_url(LLM) == topic_url("large-language-models") == "tags/large-language-models/"
    assert org_url("Qwen") == "orgs/Qwen/"
    assert page_url("orgs/Qwen/", 1) == "orgs/Qwen/"
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


@pytest.mark.parametrize("given", [{"page_size": 0}, {"page_size": "50"}, {"pagesize": 5}])
def test_plugin_settings_are_validated(given):
    with pytest.raises(ValueError, match="ARCHIVE_PAGES"):
        plugin_settings({"ARCHIVE_PAGES": given})
