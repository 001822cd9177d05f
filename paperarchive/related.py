"""Related papers for a paper page: "more from this day" and "more on this topic".

Owns the choice of which few papers a paper page points to, computed for the whole archive
in one pass: papers are grouped once by day and once by topic, each group sorted once, and
each paper then takes a fixed number of neighbours from its groups (O(n log n) overall, never
a scan of the archive per paper).

- More from this day: the day's most upvoted papers, the paper itself left out.
- More on this topic: for the paper's first topic, the papers listed nearest in time to it
  (nearest first, earlier on ties), so an old paper points to its contemporaries rather than
  to whatever is newest; papers of the same day are left to the other list.

It leaves topics to `taxonomy` and display to the templates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from paperarchive import ordering

DEFAULT_LIMIT = 3  # per list: a few papers to read next; the day and topic pages list the rest


class Entry(NamedTuple):
    """What the choice needs to know about one paper (a tuple: a build makes one per paper,
    and a frozen dataclass costs several times as much to make)."""

    id: str
    day: dt.date
    upvotes: int
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Related:
    """The ids a paper page links to; `topic` is the slug the second list is about."""

    same_day: tuple[str, ...] = ()
    topic: str | None = None
    same_topic: tuple[str, ...] = ()


def _popularity(entry: Entry) -> tuple[int, str]:
    return ordering.popularity(entry.upvotes, entry.id)


def related_papers(entries: Iterable[Entry], limit: int = DEFAULT_LIMIT) -> dict[str, Related]:
    """Paper id -> its related papers, for every entry. Deterministic for the same entries."""
    entries = list(entries)
    by_day: dict[dt.date, list[Entry]] = defaultdict(list)
    by_topic: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry)
        for topic in entry.topics:
            by_topic[topic].append(entry)

    # Per day, the top `limit + 1` is enough: leaving a paper out still leaves `limit`.
    day_top = {day: sorted(group, key=_popularity)[: limit + 1] for day, group in by_day.items()}
    # Per topic, its days in order, each with its top `limit` papers.
    topic_days: dict[str, list[tuple[dt.date, list[Entry]]]] = {}
    topic_day_index: dict[str, dict[dt.date, int]] = {}
    for topic, group in by_topic.items():
        days: dict[dt.date, list[Entry]] = defaultdict(list)
        for entry in group:
            days[entry.day].append(entry)
        topic_days[topic] = [(day, sorted(days[day], key=_popularity)[:limit])
                             for day in sorted(days)]
        topic_day_index[topic] = {day: i for i, (day, _) in enumerate(topic_days[topic])}

    result = {}
    for entry in entries:
        same_day = tuple(e.id for e in day_top[entry.day] if e.id != entry.id)[:limit]
        topic = entry.topics[0] if entry.topics else None
        same_topic: tuple[str, ...] = ()
        if topic is not None:
            blocks = topic_days[topic]
            same_topic = _nearest(blocks, topic_day_index[topic][entry.day], limit)
        result[entry.id] = Related(same_day=same_day, topic=topic, same_topic=same_topic)
    return result


def _nearest(blocks: list[tuple[dt.date, list[Entry]]], index: int,
             limit: int) -> tuple[str, ...]:
    """Up to `limit` ids from the days around `blocks[index]`, nearest day first."""
    day = blocks[index][0]
    chosen: list[str] = []
    before, after = index - 1, index + 1
    while len(chosen) < limit and (before >= 0 or after < len(blocks)):
        candidates = []
        if before >= 0:
            candidates.append(((day - blocks[before][0]).days, 0))
        if after < len(blocks):
            candidates.append(((blocks[after][0] - day).days, 1))
        _, side = min(candidates)
        if side == 0:
            position, before = before, before - 1
        else:
            position, after = after, after + 1
        chosen.extend(e.id for e in blocks[position][1][: limit - len(chosen)])
    return tuple(chosen)
