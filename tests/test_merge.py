"""Merging incoming listings into an archive: pure functions, no files."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from paperarchive.merge import (
    find_cross_day_duplicates,
    merge_archive,
    merge_paper,
    order_papers,
)
from paperarchive.model import Listing, Organization, Paper

DAY1 = dt.date(2026, 5, 28)
DAY2 = dt.date(2026, 5, 29)
DAY3 = dt.date(2026, 5, 30)


def paper(paper_id: str = "2605.00001", **fields) -> Paper:
    base = {"title": f"Paper {paper_id}", "authors": ("A. Author",), "abstract": "Text."}
    return Paper(id=paper_id, **{**base, **fields})


def test_newer_snapshot_updates_counts_and_ai_fields_and_keeps_the_rest():
    old = paper(upvotes=10, comments=2, github="https://github.com/a/b", github_stars=5,
                organization=Organization("org", "Org"), ai_summary="Old summary.",
                keywords=("old",), project_page="https://a.example/")
    new = paper(upvotes=25, comments=3, github_stars=9, ai_summary="New summary.",
                keywords=("new", "words"))
    merged = merge_paper(old, new)
    assert (merged.upvotes, merged.comments, merged.github_stars) == (25, 3, 9)
    assert merged.ai_summary == "New summary." and merged.keywords == ("new", "words")
    # Fields the newer snapshot lacks are kept.
    assert merged.github == "https://github.com/a/b"
    assert merged.organization == Organization("org", "Org")
    assert merged.project_page == "https://a.example/"


def test_counts_never_go_down_when_an_older_snapshot_arrives_late():
    merged = merge_paper(paper(upvotes=40, comments=5), paper(upvotes=12, comments=None))
    assert (merged.upvotes, merged.comments) == (40, 5)


def test_merging_a_paper_with_itself_changes_nothing():
    full = paper(upvotes=3, keywords=("a",), submitter="someone", published=DAY1)
    assert merge_paper(full, full) == full


def test_reimporting_the_same_listing_changes_nothing():
    listing = Listing(DAY2, (paper("2605.00002", upvotes=5), paper("2605.00001", upvotes=9)))
    first = merge_archive([], [listing])
    again = merge_archive(first.listings, [listing])
    assert again.listings == first.listings
    assert (again.added, again.updated) == (0, 0)


def test_listing_order_is_upvotes_then_id_whatever_the_input_order():
    papers = [paper("2605.00003", upvotes=1), paper("2605.00001"), paper("2605.00002", upvotes=7),
              paper("2605.00004", upvotes=7)]
    expected = ["2605.00002", "2605.00004", "2605.00003", "2605.00001"]
    assert [p.id for p in order_papers(papers)] == expected
    assert [p.id for p in order_papers(reversed(papers))] == expected


def test_a_paper_already_listed_is_not_listed_again_on_a_later_day():
    archive = [Listing(DAY1, (paper("2605.00001", upvotes=1),))]
    incoming = [Listing(DAY2, (paper("2605.00001", upvotes=4), paper("2605.00002")))]
    result = merge_archive(archive, incoming)
    by_day = {lst.date: [p.id for p in lst.papers] for lst in result.listings}
    assert by_day == {DAY1: ["2605.00001"], DAY2: ["2605.00002"]}
    assert result.listings[0].papers[0].upvotes == 4  # the newer count still lands
    assert result.skipped_later == (("2605.00001", DAY2, DAY1),)


def test_a_paper_arriving_for_an_earlier_day_moves_there():
    archive = [Listing(DAY2, (paper("2605.00001", github="https://github.com/a/b"),
                              paper("2605.00002")))]
    result = merge_archive(archive, [Listing(DAY1, (paper("2605.00001"),))])
    by_day = {lst.date: lst for lst in result.listings}
    assert [p.id for p in by_day[DAY1].papers] == ["2605.00001"]
    assert [p.id for p in by_day[DAY2].papers] == ["2605.00002"]
    assert by_day[DAY1].papers[0].github == "https://github.com/a/b"
    assert result.moved == (("2605.00001", DAY2, DAY1),)


def test_only_touched_days_are_returned():
    archive = [Listing(DAY1, (paper("2605.00001"),)), Listing(DAY3, (paper("2605.00003"),))]
    result = merge_archive(archive, [Listing(DAY2, (paper("2605.00002"),))])
    assert [lst.date for lst in result.listings] == [DAY2]
    assert result.added == 1


def test_the_same_paper_twice_in_one_batch_is_added_once():
    first = Listing(DAY2, (paper("2605.00001", upvotes=1),))
    second = Listing(DAY2, (paper("2605.00001", upvotes=8, ai_summary="Now summarised."),))
    result = merge_archive([], [first, second])
    [listing] = result.listings
    assert result.added == 1
    assert dataclasses.asdict(listing.papers[0])["upvotes"] == 8
    assert listing.papers[0].ai_summary == "Now summarised."


def test_cross_day_duplicates_are_found():
    listings = [Listing(DAY3, (paper("2605.00001"),)), Listing(DAY1, (paper("2605.00001"),)),
                Listing(DAY2, (paper("2605.00002"),))]
    assert find_cross_day_duplicates(listings) == [("2605.00001", DAY1, DAY3)]


# Property: whatever snapshots arrive, in whatever grouping, each paper ends on its earliest
# day, with its largest upvote count, and merging the same data again changes nothing.
SNAPSHOTS = st.lists(
    st.tuples(st.sampled_from([DAY1, DAY2, DAY3]),
              st.sampled_from(["2605.00001", "2605.00002", "2605.00003"]),
              st.none() | st.integers(0, 50)),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(archive_data=SNAPSHOTS, incoming_data=SNAPSHOTS)
def test_merge_properties(archive_data, incoming_data):
    def listings(data):  # one snapshot per listing, in arrival order
        return [Listing(day, (paper(paper_id, upvotes=upvotes),))
                for day, paper_id, upvotes in data]

    archive = merge_archive([], listings(archive_data)).listings
    result = merge_archive(archive, listings(incoming_data))
    merged = {lst.date: lst for lst in archive} | {lst.date: lst for lst in result.listings}
    homes = [(lst.date, p) for lst in merged.values() for p in lst.papers]
    everything = archive_data + incoming_data
    assert sorted(p.id for _, p in homes) == sorted({pid for _, pid, _ in everything})
    for day, merged_paper in homes:
        seen = [(d, up) for d, pid, up in everything if pid == merged_paper.id]
        assert day == min(d for d, _ in seen)
        counts = [up for _, up in seen if up is not None]
        assert merged_paper.upvotes == (max(counts) if counts else None)
    again = merge_archive(list(merged.values()), listings(incoming_data))
    assert all(merged[lst.date] == lst for lst in again.listings if lst.papers)
