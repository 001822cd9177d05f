"""The two orders papers are listed in, wherever they are listed: pages, feeds, related lists.

- **popularity**: most upvoted first (a paper without a count as 0), then by id, so that ties
  come out the same in every build: a day page, a feed digest, "more from this day";
- **newest first**: the latest listing day first, then by popularity within a day: topic and
  organisation pages, the feeds, "more on this topic".

Sort keys only, of plain values, so every caller keeps its own type of listed paper.
"""

from __future__ import annotations

import datetime as dt


def popularity(upvotes: int | None, paper_id: str) -> tuple[int, str]:
    """The sort key of a paper by popularity."""
    return (-(upvotes or 0), paper_id)


def newest_first(listing_day: dt.date, upvotes: int | None, paper_id: str) -> tuple[int, int, str]:
    """The sort key of a paper by listing day, newest first, then by popularity."""
    return (-listing_day.toordinal(), -(upvotes or 0), paper_id)
