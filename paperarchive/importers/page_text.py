"""A Daily Papers page copied from the browser as text -> `Listing` objects.

Owns reading the copied page: for each paper a title line, its abstract, an "N authors" or an
organisation line ("internlm Intern Large Models"), a "·" line, and a date line ("Sep 20, 2025"
or, for the current year, "Jan 29") with an optional upvote count after it. The page carries no
arXiv ids, so each paper's id is a slug of its title (`model.slugify`), made unique within the
page by a numeric suffix in page order.

Dates: each card's date is the paper's arXiv date (its `published` field), not the day it was
listed; the listing day is the page's own date, the date line above the first paper ("Apr 14",
in the page's year), or `date` (`--date`) when given. A page with neither is an error: the
papers would otherwise be filed under years-old arXiv dates.

It leaves field validation to `Paper.from_mapping` and merging to `merge`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from paperarchive.model import (
    MAX_SLUG_LENGTH,
    Listing,
    ListingError,
    Paper,
    Problems,
    check_bad_share,
    slugify,
)

log = logging.getLogger(__name__)

SEPARATOR = "·"
_AUTHORS_RE = re.compile(r"^(?:[•*·-]\s*)?([0-9][0-9,]*)\s+authors?$")
_DATE_RE = re.compile(
    r"^(?P<month>[A-Z][a-z]{2,3})\.? (?P<day>[0-9]{1,2})(?:, (?P<year>[0-9]{4}))?"
    r"(?:\s+(?P<upvotes>[0-9][0-9,]*))?$"
)
_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_MONTHS["Sept"] = 9


@dataclass(frozen=True)
class _Entry:
    """One paper as read from the page, before its year and id are settled."""

    line: int  # 1-based line of the title, for error messages
    title: str
    abstract: str
    author_count: int | None
    organization: dict[str, str] | None
    month: int
    day: int
    year: int | None
    upvotes: int | None


def parse_page_text(text: str, source: str, *, page_year: int | None = None,
                    date: dt.date | None = None,
                    problems: Problems | None = None) -> list[Listing]:
    """Parse a copied page into its one listing; `page_year` is the year of dates shown
    without one, `date` the listing day (else the page's own date).

    The page's structure is read whole (a block that cannot be read refuses the file); with
    `problems`, a paper whose fields are invalid is left out and noted there, and the page is
    refused only when most papers are.
    """
    try:
        entries, page_date = _read_entries(text.splitlines())
        if not entries:
            raise ListingError("no papers found: expected blocks of title, abstract, "
                               "'N authors' or an organisation line, '·', and a date")
        year = page_year if page_year is not None else _infer_page_year(entries, source)
        found = Problems() if problems is not None else None
        papers = _build_papers(entries, year, found)  # every card's date checked first
        if date is None:
            if page_date is None:
                raise ListingError("the page's own date (a line like 'Apr 14' above the first "
                                   "paper) is missing: pass --date, the day the page lists")
            month, day, explicit_year = page_date
            try:
                date = dt.date(explicit_year or year, month, day)
            except ValueError:
                raise ListingError(f"the page's date {month:02d}/{day:02d}/"
                                   f"{explicit_year or year} is not a real date",
                                   field="date") from None
        listings = [Listing(date=date, papers=papers)]
    except ListingError as exc:
        raise exc.located(source) from None
    if problems is not None and found is not None:
        problems.extend(found.located(source))
    return listings


def _read_entries(lines: list[str]) -> tuple[list[_Entry], tuple[int, int, int | None] | None]:
    """The papers, and the page's own date (month, day, year or None) if it shows one above
    the first paper."""
    stripped = [line.strip() for line in lines]
    entries = []
    page_date = None
    block_start = 0
    for index, line in enumerate(stripped):
        if line != SEPARATOR:
            continue
        where = f"line {index + 1}"
        if index == 0 or index + 1 >= len(stripped):
            raise ListingError("a '·' separator without an author line before or a date after",
                               paper=where)
        byline_at = _previous_nonblank(stripped, index, block_start)
        if byline_at is None:
            raise ListingError("expected an 'N authors' or organisation line before '·'",
                               paper=where)
        block = [(i, stripped[i]) for i in range(block_start, byline_at) if stripped[i]]
        if not block:
            raise ListingError("a paper with no title", paper=where)
        # The page shows a title and a one-paragraph abstract, so they are the last two lines;
        # anything before them is page chrome ("Daily Papers", "Subscribe", a header date).
        if len(block) > 2:
            log.debug("lines %d-%d: skipped as page chrome", block[0][0] + 1, block[-3][0] + 1)
            if not entries:
                for _, chrome in reversed(block[:-2]):
                    found = _DATE_RE.match(chrome)
                    if found and found.group("month") in _MONTHS and not found.group("upvotes"):
                        page_date = (_MONTHS[found.group("month")], int(found.group("day")),
                                     int(found.group("year")) if found.group("year") else None)
                        break
        title_line, title = block[-2] if len(block) >= 2 else block[-1]
        abstract = block[-1][1] if len(block) >= 2 else ""
        author_count, organization = _read_byline(stripped[byline_at], byline_at + 1)
        match = _DATE_RE.match(stripped[index + 1])
        if not match or match.group("month") not in _MONTHS:
            raise ListingError(f"expected a date like 'Sep 20, 2025' or 'Jan 29', "
                               f"got {stripped[index + 1][:60]!r}",
                               paper=f"line {index + 2}", field="date")
        upvotes = match.group("upvotes")
        entries.append(_Entry(
            line=title_line + 1,
            title=title,
            abstract=abstract,
            author_count=author_count,
            organization=organization,
            month=_MONTHS[match.group("month")],
            day=int(match.group("day")),
            year=int(match.group("year")) if match.group("year") else None,
            upvotes=int(upvotes.replace(",", "")) if upvotes else None,
        ))
        block_start = index + 2
    return entries, page_date


def _previous_nonblank(lines: list[str], index: int, stop: int) -> int | None:
    for i in range(index - 1, stop - 1, -1):
        if lines[i]:
            return i
    return None


def _read_byline(line: str, line_number: int) -> tuple[int | None, dict[str, str] | None]:
    """An "N authors" line gives a count; anything else is "<org handle> <org full name>"."""
    match = _AUTHORS_RE.match(line)
    if match:
        return int(match.group(1).replace(",", "")), None
    handle, _, fullname = line.partition(" ")
    if not handle:
        raise ListingError("expected 'N authors' or an organisation", paper=f"line {line_number}")
    return None, {"name": handle, "fullname": fullname.strip()}


def _infer_page_year(entries: list[_Entry], source: str) -> int:
    """The year of year-less dates: the site omits the year only for the current year, so it
    is the year after the latest explicit one (a page that lists only this year's papers
    needs `--page-year`)."""
    if all(entry.year is not None for entry in entries):
        return max(entry.year for entry in entries if entry.year is not None)
    years = [entry.year for entry in entries if entry.year is not None]
    if not years:
        raise ListingError("dates without a year and no dated paper to infer the page's year "
                           "from: pass --page-year")
    year = max(years) + 1
    log.info("%s: dates without a year taken as %d (the year after the latest explicit year, "
             "%d); pass --page-year to override", source, year, max(years))
    return year


def _build_papers(entries: list[_Entry], page_year: int,
                  problems: Problems | None = None) -> tuple[Paper, ...]:
    papers: list[Paper] = []
    used_ids: set[str] = set()
    for position, entry in enumerate(entries, 1):
        ref = f"#{position} (line {entry.line})"
        year = entry.year if entry.year is not None else page_year
        try:
            published = dt.date(year, entry.month, entry.day)
        except ValueError:
            raise ListingError(f"{entry.month:02d}/{entry.day:02d}/{year} is not a real date",
                               paper=ref, field="date") from None
        paper_id = _unique_slug(entry.title, used_ids)
        used_ids.add(paper_id)
        mapping = {
            "id": paper_id,
            "title": entry.title,
            "authors": [],
            "abstract": entry.abstract,
            "author_count": entry.author_count,
            "organization": entry.organization,
            "upvotes": entry.upvotes,
            "published": published.isoformat(),
        }
        try:
            paper = Paper.from_mapping({k: v for k, v in mapping.items() if v is not None},
                                       position=position)
        except ListingError as exc:
            if problems is None:
                raise
            problems.skipped.append(exc)
            continue
        papers.append(paper)
    if problems is not None:
        check_bad_share(len(entries), problems)
    return tuple(papers)


def _unique_slug(title: str, used: set[str]) -> str:
    """The title's slug, or the slug with -2, -3, ... when an earlier paper took it."""
    slug = slugify(title)
    number = 1
    while slug in used:
        number += 1
        suffix = f"-{number}"
        slug = slugify(title, MAX_SLUG_LENGTH - len(suffix)) + suffix
    return slug
