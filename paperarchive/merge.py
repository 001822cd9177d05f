"""Merging incoming listings into the archive: pure functions on `Listing` and `Paper`.

Owns the rules that make importing safe to repeat:
- Re-importing the same data gives the same listings (byte-identical files).
- A newer snapshot of a paper updates what changes after its day (upvotes, comments, AI summary
  and keywords, GitHub stars) and never drops a field the paper already had.
- A paper is listed on one day only: the earliest day it was seen. If it arrives for an earlier
  day than where the archive has it, it moves to the earlier day. A day that cannot be the
  paper's (`model.misplaced`: a placeholder date such as 1970-01-01) never wins: a paper found
  there moves to the first real day it arrives for.
- An archive with a paper on two days (a move killed between writing the new day and
  rewriting the old one) is healed: the paper stays on its first real day only.
- Papers within a day are ordered by upvotes (most first, unknown counts last), then by id, so
  a listing's order depends only on its papers, not on the order files were imported in.

It leaves reading and writing files to `listing_io` and parsing inputs to `importers`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from paperarchive.model import Listing, Paper, misplaced

# Counts that only grow while a paper is on HF (votes, comments, stars): of two snapshots we
# keep the larger value, so importing an older snapshot after a newer one cannot roll them
# back. A count that really went down (a retracted vote) is off by one until the next fetch
# that exceeds it; that is the price of order-independent imports.
GROWING_COUNTS = ("upvotes", "comments", "github_stars")


def merge_paper(old: Paper, new: Paper) -> Paper:
    """`new` is the more recent snapshot of the same paper; keep everything either one knows."""
    changes = {}
    for field in dataclasses.fields(Paper):
        name = field.name
        old_value, new_value = getattr(old, name), getattr(new, name)
        if name in GROWING_COUNTS:
            known = [v for v in (old_value, new_value) if v is not None]
            changes[name] = max(known) if known else None
        elif new_value is None or new_value == () or new_value == "":
            changes[name] = old_value  # a field the newer snapshot lacks is kept, never dropped
        else:
            changes[name] = new_value
    return dataclasses.replace(old, **changes)


def order_papers(papers: Iterable[Paper]) -> tuple[Paper, ...]:
    """Listing order: most upvotes first, papers without a count last, ties by id."""
    return tuple(sorted(papers, key=lambda p: (p.upvotes is None, -(p.upvotes or 0), p.id)))


@dataclass(frozen=True)
class MergeResult:
    """The listings an import changes, and what happened to the papers."""

    listings: tuple[Listing, ...]  # every day touched, oldest first (some may be unchanged)
    added: int  # papers new to the archive
    updated: int  # papers already in the archive whose fields changed
    moved: tuple[tuple[str, dt.date, dt.date], ...]  # (id, from day, to day)
    skipped_later: tuple[tuple[str, dt.date, dt.date], ...]  # (id, incoming day, kept day)


def _is_better_day(paper_id: str, day: dt.date, than: dt.date,
                   today: dt.date | None = None) -> bool:
    """Whether `day` should be the paper's day rather than `than`: a real day beats a
    placeholder, else the earlier day wins."""
    bad_day, bad_than = misplaced(paper_id, day, today), misplaced(paper_id, than, today)
    if bad_day != bad_than:
        return bad_than
    return day < than


def merge_archive(existing: Iterable[Listing], incoming: Iterable[Listing],
                  today: dt.date | None = None) -> MergeResult:
    """Merge `incoming` listings (oldest snapshot first) into the `existing` archive.

    Returns only the days an import touches: each incoming day, any day a paper moved away
    from, and both days of a paper the archive lists twice. Other days are left exactly as
    they are, even if they are not in our order.
    """
    days: dict[dt.date, dict[str, Paper]] = {}
    home: dict[str, dt.date] = {}
    touched: set[dt.date] = set()
    moved: list[tuple[str, dt.date, dt.date]] = []
    for listing in sorted(existing, key=lambda item: item.date):
        papers = days.setdefault(listing.date, {})
        for paper in listing.papers:
            first = home.get(paper.id)
            if first is None:
                papers[paper.id] = paper
                home[paper.id] = listing.date
                continue
            # On two days: a move cut short. Keep one copy, on the better day, with what
            # both copies know.
            kept = merge_paper(days[first][paper.id], paper)
            touched.update((first, listing.date))
            if _is_better_day(paper.id, listing.date, first, today):
                del days[first][paper.id]
                papers[paper.id] = kept
                home[paper.id] = listing.date
                moved.append((paper.id, first, listing.date))
            else:
                days[first][paper.id] = kept
                moved.append((paper.id, listing.date, first))

    added = 0
    updated: set[str] = set()
    skipped: list[tuple[str, dt.date, dt.date]] = []
    for listing in incoming:
        touched.add(listing.date)
        days.setdefault(listing.date, {})
        for paper in listing.papers:
            current_day = home.get(paper.id)
            if current_day is None:
                days[listing.date][paper.id] = paper
                home[paper.id] = listing.date
                added += 1
                continue
            old = days[current_day][paper.id]
            merged = merge_paper(old, paper)
            if merged != old:
                updated.add(paper.id)
            if _is_better_day(paper.id, listing.date, current_day, today):
                del days[current_day][paper.id]
                touched.add(current_day)
                moved.append((paper.id, current_day, listing.date))
                current_day = listing.date
                home[paper.id] = current_day
            elif listing.date != current_day:
                skipped.append((paper.id, listing.date, current_day))
                touched.add(current_day)
            days[current_day][paper.id] = merged

    listings = tuple(
        Listing(date=day, papers=order_papers(days[day].values())) for day in sorted(touched)
    )
    return MergeResult(listings=listings, added=added, updated=len(updated),
                       moved=tuple(moved), skipped_later=tuple(skipped))


def find_cross_day_duplicates(listings: Iterable[Listing]) -> list[tuple[str, dt.date, dt.date]]:
    """(id, first day, later day) for every paper listed on more than one day."""
    first_day: dict[str, dt.date] = {}
    duplicates = []
    for listing in sorted(listings, key=lambda item: item.date):
        for paper in listing.papers:
            if paper.id in first_day and first_day[paper.id] != listing.date:
                duplicates.append((paper.id, first_day[paper.id], listing.date))
            else:
                first_day.setdefault(paper.id, listing.date)
    return duplicates
