"""The archive's structure as plain data: days, months, years, topics and organisations.

Pure functions over "entries" (anything with `paper`, `listing_day` and `topics` attributes; in a
build, Pelican articles; in tests, simple objects), so every grouping, ordering and URL rule can
be tested without Pelican. `build_archive` groups all entries in one pass (Pelican's own period,
tag and author pages scan the article list once per group, which is quadratic).

URLs follow DESIGN.md §4; each `*_url` function returns a site-relative URL ending in `/` and
`save_as(url)` the file it is written to.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from typing import Any, Generic, Protocol, TypeVar

from paperarchive import ordering
from paperarchive.model import ListingError, Organization, Paper, Topic, parse_date


class Entry(Protocol):
    paper: Paper
    listing_day: dt.date
    topics: tuple[Topic, ...]


E = TypeVar("E", bound=Entry)
T = TypeVar("T")


# --- URLs -----------------------------------------------------------------------------------

def paper_url(paper_id: str) -> str:
    return f"papers/{paper_id}/"


def day_url(day: dt.date) -> str:
    return f"{day:%Y}/{day:%m}/{day:%d}/"


def month_url(year: int, month: int) -> str:
    return f"{year:04d}/{month:02d}/"


def year_url(year: int) -> str:
    return f"{year:04d}/"


def week_url(year: int, week: int) -> str:
    """An ISO week's page (`2026/W34/`): `year` is the ISO year, which the first days of
    January or the last days of December may not share with their calendar year."""
    return f"{year:04d}/W{week:02d}/"


def week_of(date: dt.date) -> tuple[int, int]:
    """The ISO (year, week) a date belongs to."""
    iso = date.isocalendar()
    return iso[0], iso[1]


def top_url(base_url: str) -> str:
    """The most-upvoted view of a topic or organisation at `base_url` (`tags/agents/top/`)."""
    return f"{base_url}top/"


def month_name(month: int) -> str:
    """The English name of a month number (1-12); pages are in English."""
    return calendar.month_name[month]


def topic_url(topic: Topic | str) -> str:
    slug = topic.slug if isinstance(topic, Topic) else topic
    return f"tags/{slug}/"


def org_url(organization: Organization | str) -> str:
    name = organization.name if isinstance(organization, Organization) else organization
    return f"orgs/{name}/"


TOPICS_URL = "tags/"
ORGS_URL = "orgs/"
ARCHIVE_URL = "archive/"
HOME_URL = ""


def page_url(base_url: str, number: int) -> str:
    """The URL of numbered page `number` (counted from the oldest, see `paginate`) of a list
    at `base_url`; the list's newest papers are at `base_url` itself."""
    return f"{base_url}{number}/"


def save_as(url: str) -> str:
    """The output file of a site-relative URL (`a/b/` -> `a/b/index.html`)."""
    return f"{url}index.html"


# --- Rebuilding papers from article metadata -------------------------------------------------

# Header keys written by `paperarchive.render` (lowercased, as Pelican hands them over).
_SCALARS = {
    "published": "published", "author-count": "author_count", "upvotes": "upvotes",
    "comments": "comments", "github": "github", "github-stars": "github_stars",
    "project-page": "project_page", "thumbnail": "thumbnail", "submitter": "submitter",
}
_COUNTS = ("author_count", "upvotes", "comments", "github_stars")
_LISTS = {"paper-author": "authors", "keyword": "keywords"}
_PARAGRAPHS = {"abstract": "abstract", "ai-summary": "ai_summary"}


def _values(value: Any) -> list[str]:
    """Pelican gives a key seen once as a string and a repeated key as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(item) for item in value]


def _single(metadata: Mapping[str, Any], key: str) -> str | None:
    values = _values(metadata.get(key))
    return values[0] if values else None


def entry_from_metadata(
    metadata: Mapping[str, Any], source: str
) -> tuple[Paper, dt.date, tuple[Topic, ...]]:
    """The paper, listing day and topics of an article rendered by `paperarchive.render`.

    Raises `ListingError` naming `source` (the Markdown file) and the field.
    """
    paper_id = _single(metadata, "paper-id")
    if paper_id is None:
        raise ListingError("missing (was this file written by `archive.py render`?)",
                           source=source, field="Paper-Id")
    try:
        data: dict[str, Any] = {
            "id": paper_id,
            "title": metadata.get("title"),
        }
        for key, name in _SCALARS.items():
            value = _single(metadata, key)
            if value is not None:
                data[name] = _count(value, key, paper_id) if name in _COUNTS else value
        for key, name in _LISTS.items():
            data[name] = _values(metadata.get(key))
        for key, name in _PARAGRAPHS.items():
            paragraphs = _values(metadata.get(key))
            if paragraphs:
                data[name] = "\n\n".join(paragraphs)
        data.setdefault("abstract", "")
        org_name = _single(metadata, "organization")
        if org_name is not None:
            data["organization"] = {"name": org_name,
                                    "fullname": _single(metadata, "organization-name") or ""}
        paper = Paper.from_mapping(data)
        day = parse_date(_single(metadata, "listing-day"), field="Listing-Day", paper=paper_id)
        if day is None:
            raise ListingError("missing", paper=paper_id, field="Listing-Day")
        topics = tuple(_topic(value, paper_id) for value in _values(metadata.get("topic")))
    except ListingError as exc:
        raise exc.located(source) from None
    return paper, day, topics


def _count(value: str, key: str, paper_id: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ListingError(f"expected a whole number, got {value!r}", paper=paper_id,
                           field=key) from None


# A few dozen topics, each on thousands of papers: one (frozen, shared) Topic per header value.
_TOPICS: dict[str, Topic] = {}


def cached_topic(slug: str, name: str) -> Topic:
    """The shared Topic for a slug and name already checked by `_topic`."""
    return _topic(f"{slug} {name}", "")


def _topic(value: str, paper_id: str) -> Topic:
    topic = _TOPICS.get(value)
    if topic is not None:
        return topic
    slug, _, name = value.partition(" ")
    if not slug or not name.strip():
        raise ListingError(f"expected '<slug> <Name>', got {value!r}", paper=paper_id,
                           field="Topic")
    topic = _TOPICS[value] = Topic(slug=slug, name=name.strip())
    return topic


# --- Grouping --------------------------------------------------------------------------------

def by_upvotes(entry: Entry) -> tuple[int, str]:
    """A day's order: most upvoted first, then by id so ties are stable."""
    return ordering.popularity(entry.paper.upvotes, entry.paper.id)


def by_newest(entry: Entry) -> tuple[int, int, str]:
    """A topic's or organisation's order: newest day first, then as on the day."""
    return ordering.newest_first(entry.listing_day, entry.paper.upvotes, entry.paper.id)


@dataclass(frozen=True)
class Day(Generic[E]):
    """One listing day with papers; `previous`/`next` are the nearest days that have papers."""

    date: dt.date
    entries: tuple[E, ...]
    previous: dt.date | None = None
    next: dt.date | None = None

    @property
    def url(self) -> str:
        return day_url(self.date)

    @property
    def count(self) -> int:
        return len(self.entries)


def ranked(entries: Iterable[E], limit: int | None = None) -> tuple[E, ...]:
    """Entries most upvoted first (ties by id, as on a day), at most `limit` of them."""
    return tuple(sorted(entries, key=by_upvotes)[:limit])


@dataclass(frozen=True)
class Week(Generic[E]):
    """An ISO week's days with papers, oldest first; `previous`/`next` are the nearest weeks
    with papers, as (ISO year, week)."""

    year: int  # the ISO year
    week: int
    days: tuple[Day[E], ...]
    previous: tuple[int, int] | None = None
    next: tuple[int, int] | None = None

    @property
    def url(self) -> str:
        return week_url(self.year, self.week)

    @property
    def count(self) -> int:
        return sum(day.count for day in self.days)

    @property
    def start(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 7)

    def ranked(self, limit: int | None = None) -> tuple[E, ...]:
        return ranked((entry for day in self.days for entry in day.entries), limit)

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) of the week's days with papers (one or two months)."""
        return sorted({(day.date.year, day.date.month) for day in self.days})


@dataclass(frozen=True)
class Month(Generic[E]):
    """A month's days with papers, oldest first; `previous`/`next` are months with papers."""

    year: int
    month: int
    days: tuple[Day[E], ...]
    previous: tuple[int, int] | None = None
    next: tuple[int, int] | None = None

    @property
    def url(self) -> str:
        return month_url(self.year, self.month)

    @property
    def name(self) -> str:
        return month_name(self.month)

    @property
    def count(self) -> int:
        return sum(day.count for day in self.days)

    def ranked(self, limit: int | None = None) -> tuple[E, ...]:
        return ranked((entry for day in self.days for entry in day.entries), limit)

    def iso_weeks(self) -> list[tuple[int, int]]:
        """The ISO (year, week) of every week in which this month has papers, in order."""
        return sorted({week_of(day.date) for day in self.days})

    def weeks(self) -> list[list[tuple[dt.date | None, Day[E] | None]]]:
        """The month as calendar weeks (Monday first): (date or None, its Day or None)."""
        by_date = {day.date: day for day in self.days}
        return [
            [(date, by_date.get(date)) if date.month == self.month else (None, None)
             for date in week]
            for week in calendar.Calendar().monthdatescalendar(self.year, self.month)
        ]


@dataclass(frozen=True)
class Year(Generic[E]):
    """A year's months with papers, oldest first."""

    year: int
    months: tuple[Month[E], ...]
    previous: int | None = None
    next: int | None = None

    @property
    def url(self) -> str:
        return year_url(self.year)

    @property
    def count(self) -> int:
        return sum(month.count for month in self.months)

    def ranked(self, limit: int | None = None) -> tuple[E, ...]:
        return ranked((entry for month in self.months for day in month.days
                       for entry in day.entries), limit)


@dataclass(frozen=True)
class Group(Generic[T, E]):
    """The papers of one topic or organisation, newest first."""

    key: T
    entries: tuple[E, ...]
    url: str

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Archive(Generic[E]):
    """Everything the archive pages need, grouped once."""

    days: tuple[Day[E], ...]  # oldest first
    weeks: tuple[Week[E], ...]  # oldest first
    months: tuple[Month[E], ...]  # oldest first
    years: tuple[Year[E], ...]  # oldest first
    topics: tuple[Group[Topic, E], ...]  # by name
    orgs: tuple[Group[Organization, E], ...]  # most papers first, then by name

    @property
    def latest(self) -> Day[E] | None:
        return self.days[-1] if self.days else None

    @property
    def count(self) -> int:
        return sum(day.count for day in self.days)


def _linked(items: Sequence[T]) -> list[tuple[T, T | None, T | None]]:
    """Each item with its previous and next neighbour."""
    return [
        (item, items[i - 1] if i > 0 else None, items[i + 1] if i + 1 < len(items) else None)
        for i, item in enumerate(items)
    ]


def build_archive(entries: Iterable[E]) -> Archive[E]:
    """Group entries by day, month, year, topic and organisation in one pass."""
    by_day: dict[dt.date, list[E]] = defaultdict(list)
    by_topic: dict[str, list[E]] = defaultdict(list)
    by_org: dict[str, list[E]] = defaultdict(list)
    for entry in entries:
        by_day[entry.listing_day].append(entry)
        for topic in entry.topics:
            by_topic[topic.slug].append(entry)
        if entry.paper.organization is not None:
            by_org[entry.paper.organization.name].append(entry)

    dates = sorted(by_day)
    days = [
        Day(date=date, entries=tuple(sorted(by_day[date], key=by_upvotes)),
            previous=previous, next=following)
        for date, previous, following in _linked(dates)
    ]

    days_by_week: dict[tuple[int, int], list[Day[E]]] = defaultdict(list)
    for day in days:
        days_by_week[week_of(day.date)].append(day)
    weeks = [
        Week(year=key[0], week=key[1], days=tuple(days_by_week[key]), previous=previous,
             next=following)
        for key, previous, following in _linked(sorted(days_by_week))
    ]

    days_by_month: dict[tuple[int, int], list[Day[E]]] = defaultdict(list)
    for day in days:
        days_by_month[day.date.year, day.date.month].append(day)
    month_keys = sorted(days_by_month)
    months = [
        Month(year=key[0], month=key[1], days=tuple(days_by_month[key]), previous=previous,
              next=following)
        for key, previous, following in _linked(month_keys)
    ]

    months_by_year: dict[int, list[Month[E]]] = defaultdict(list)
    for month in months:
        months_by_year[month.year].append(month)
    year_keys = sorted(months_by_year)
    years = [
        Year(year=key, months=tuple(months_by_year[key]), previous=previous, next=following)
        for key, previous, following in _linked(year_keys)
    ]

    topic_groups = sorted(
        (_group(group, lambda entry, slug=slug: _topic_of(entry, slug), topic_url)
         for slug, group in by_topic.items()),
        key=lambda group: (group.key.name.casefold(), group.key.slug),
    )
    org_groups = sorted(
        (_group(group, lambda entry: entry.paper.organization, org_url)
         for group in by_org.values()),
        key=lambda group: (-group.count, group.key.display_name.casefold(), group.key.name),
    )
    return Archive(days=tuple(days), weeks=tuple(weeks), months=tuple(months),
                   years=tuple(years), topics=tuple(topic_groups), orgs=tuple(org_groups))


def org_labels(organizations: Iterable[Organization]) -> dict[str, str]:
    """Every organisation's name as lists show it, told apart: its display name, followed by
    its handle where another organisation shows the same display name ("Zhejiang University
    (zju)"). Display names are compared case-insensitively."""
    organizations = list(organizations)
    seen: dict[str, int] = defaultdict(int)
    for organization in organizations:
        seen[organization.display_name.casefold()] += 1
    return {
        organization.name: (f"{organization.display_name} ({organization.name})"
                            if seen[organization.display_name.casefold()] > 1
                            and organization.display_name != organization.name
                            else organization.display_name)
        for organization in organizations
    }


def initial(name: str) -> str:
    """The index letter a name is filed under: its first letter (A-Z), else "#"."""
    first = name.strip()[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def by_initial(groups: Iterable[Group[Organization, E]], labels: Mapping[str, str]
               ) -> tuple[tuple[str, tuple[Group[Organization, E], ...]], ...]:
    """Organisation groups A to Z by their label (`org_labels`), under their initial letter;
    "#" (digits, other scripts) last."""
    ordered = sorted(groups, key=lambda group: (initial(labels[group.key.name]) == "#",
                                                labels[group.key.name].casefold(),
                                                group.key.name))
    return tuple((letter, tuple(items)) for letter, items in
                 groupby(ordered, key=lambda group: initial(labels[group.key.name])))


def _group(entries: list[E], key_of: Any, url_of: Any) -> Group[Any, E]:
    """A topic or organisation group; its name comes from the newest entry, so a renamed
    topic or organisation shows its current name."""
    ordered = tuple(sorted(entries, key=by_newest))
    key = key_of(ordered[0])
    return Group(key=key, entries=ordered, url=url_of(key))


def _topic_of(entry: Entry, slug: str) -> Topic:
    return next(topic for topic in entry.topics if topic.slug == slug)


# --- Pagination ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a topic's or organisation's papers, newest first.

    Pages are counted from the oldest paper, so a page keeps its papers, URL and links when
    newer papers arrive (see `paginate`). `first`/`last` are the 1-based positions of the page's
    oldest and newest item, counted from the oldest item of the whole list.
    """

    number: int | None  # None: the newest page, at the list's own URL
    items: tuple[T, ...]  # newest first
    first: int
    last: int
    url: str
    newer_url: str | None  # toward the newest page; None on the newest page
    older_url: str | None  # None on the page that holds the oldest item
    base_url: str = ""  # the list's own URL (its newest page)

    @property
    def older_numbers(self) -> list[int]:
        """The numbers of the pages older than this one, newest first: fixed once the page
        is written (page N links to N-1 ... 1), so they never change a numbered page."""
        if self.older_url is None:
            return []
        older = int(self.older_url[len(self.base_url):].strip("/"))
        return list(range(older, 0, -1))

    @property
    def is_newest(self) -> bool:
        return self.number is None

    def days(self) -> list[tuple[dt.date, tuple[T, ...]]]:
        """The page's items grouped by listing day, in page order (newest day first)."""
        return [(day, tuple(group))
                for day, group in groupby(self.items, key=attrgetter("listing_day"))]


def paginate(items: Sequence[T], page_size: int, base_url: str) -> list[Page[T]]:
    """Split a newest-first list into pages that older pages never change on.

    Counted from the oldest item, items 1 to `page_size` are page 1 (`<base_url>1/`), the
    next `page_size` page 2, and so on. A page is written only once a full page of newer items
    exists; everything newer (`page_size` to `2 * page_size - 1` items, or all of a shorter
    list) is the newest page, at `base_url` itself. New items so change the newest page; when
    they fill a page, that page appears and the previous newest numbered page (whose "newer"
    link pointed at `base_url`) links to it instead. Nothing else changes. Pages are returned
    newest first; an empty list has one empty page.
    """
    if page_size < 1:
        raise ValueError(f"page_size must be 1 or more, got {page_size}")
    total = len(items)
    numbered = max(total // page_size - 1, 0)
    newest_first = numbered * page_size + 1
    pages = [Page(number=None, items=tuple(items[:total - newest_first + 1]),
                  first=newest_first, last=total, url=base_url, newer_url=None,
                  older_url=page_url(base_url, numbered) if numbered else None,
                  base_url=base_url)]
    for number in range(numbered, 0, -1):
        first = (number - 1) * page_size + 1
        last = number * page_size
        pages.append(Page(
            number=number, items=tuple(items[total - last:total - first + 1]), first=first,
            last=last, url=page_url(base_url, number),
            newer_url=page_url(base_url, number + 1) if number < numbered else base_url,
            older_url=page_url(base_url, number - 1) if number > 1 else None,
            base_url=base_url))
    return pages
