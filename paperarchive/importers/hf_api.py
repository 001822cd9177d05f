"""Hugging Face Daily Papers API responses (a bare JSON array) -> `Listing` objects.

Owns the mapping from every schema era of `/api/daily_papers` (2024 to now) to our paper fields,
and the checks that catch the junk third-party archives of this API contain (wrapper objects,
Python-repr strings instead of objects, truncated files). Field validation itself is shared:
each paper goes through `Paper.from_mapping`. Fetching is `fetch`, merging is `merge`.

Which values we take, and why (DESIGN.md §3):
- listing day: the date of `paper.submittedOnDailyAt`; files before 2025-03 lack it, so the
  requested day (file name or `--date`) stands in. The top-level `publishedAt` is when the entry
  was posted, not the listing day, and `paper.publishedAt` is the arXiv date (`published`).
- title: the top-level `title` (clean); `paper.title` keeps arXiv hard line breaks.
- abstract: the top-level `summary` when present, else `paper.summary`.
- organisation: top-level `organization`, else `paper.organization`, else `submitterOrganization`
  (the name this field had in autumn 2025).
- thumbnail: `thumbnail`, else the older `mediaUrl`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from paperarchive.model import (
    MAX_DAYS_FROM_REQUESTED,
    Listing,
    ListingError,
    Paper,
    Problems,
    check_bad_share,
    check_unique_ids,
    clean_line,
    day_problem,
    paper_day_problem,
    parse_date,
    unique_papers,
)

# Where each of our fields comes from, so an error names the field the user sees in the file.
HF_FIELD_NAMES = {
    "id": "paper.id",
    "title": "title",
    "authors": "paper.authors",
    "abstract": "summary",
    "published": "paper.publishedAt",
    "ai_summary": "paper.ai_summary",
    "keywords": "paper.ai_keywords",
    "upvotes": "paper.upvotes",
    "comments": "numComments",
    "organization": "organization",
    "github": "paper.githubRepo",
    "github_stars": "paper.githubStars",
    "project_page": "paper.projectPage",
    "thumbnail": "thumbnail",
    "submitter": "submittedBy.name",
}


def parse_hf_json(text: str, source: str, *, requested: dt.date | None,
                  problems: Problems | None = None) -> list[Listing]:
    """Parse an API response file; `requested` is the day it was fetched for, if known.
    `problems`: tolerant parsing, as in `listings_from_entries`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # A JSON document of ours ends with its closing bracket; a cut-off download does not.
        hint = "" if text.rstrip().endswith(("]", "}")) else " (the file looks truncated)"
        raise ListingError(
            f"line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}{hint}", source=source
        ) from None
    except RecursionError:
        raise ListingError("invalid JSON: nested too deeply", source=source) from None
    found = Problems() if problems is not None else None
    try:
        listings = listings_from_entries(data, requested=requested, problems=found)
    except ListingError as exc:
        raise exc.located(source) from None
    if problems is not None and found is not None:
        problems.extend(found.located(source))
    return listings


def listings_from_entries(data: Any, *, requested: dt.date | None,
                          problems: Problems | None = None,
                          today: dt.date | None = None) -> list[Listing]:
    """The listings in a decoded API response, one per listing day, oldest first.

    Papers keep the order of the response within a day. An entry must be dated on a plausible
    day (`model.day_problem`), not before its arXiv id's month, and not more than
    `MAX_DAYS_FROM_REQUESTED` days from the `requested` day (a placeholder date such as
    1970-01-01 would otherwise move a real paper for good).

    Strict (no `problems`): the first invalid entry raises, as does an id listed twice in a
    day. Tolerant: an entry that cannot be kept is left out and noted in `problems.skipped`
    (a second copy of an id too), invalid optional fields are dropped and noted in
    `problems.repaired`; a response where most entries are invalid raises `DayRefused`.
    """
    if isinstance(data, Mapping):
        keys = ", ".join(sorted(str(k) for k in data)[:5])
        raise ListingError(
            f"expected a JSON array of papers as the API returns it, got an object with keys "
            f"{keys} (a wrapper object? import the array inside it)"
        )
    if not isinstance(data, list):
        raise ListingError(f"expected a JSON array of papers, got {type(data).__name__}")
    found = Problems()
    by_day: dict[dt.date, list[Paper]] = {}
    for position, entry in enumerate(data, 1):
        try:
            day, paper = paper_from_entry(
                entry, position=position, requested=requested,
                repaired=found.repaired if problems is not None else None)
            _check_day(day, paper, position, requested, today)
        except ListingError as exc:
            if problems is None:
                raise
            found.skipped.append(exc)
            continue
        by_day.setdefault(day, []).append(paper)
    if problems is not None:
        check_bad_share(len(data), found, "entries")
    listings = []
    for day in sorted(by_day):
        if problems is None:
            papers = tuple(by_day[day])
            check_unique_ids(papers)
        else:
            papers = unique_papers(by_day[day], found)
        listings.append(Listing(date=day, papers=papers))
    if problems is not None:
        problems.extend(found)
    return listings


def _check_day(day: dt.date, paper: Paper, position: int, requested: dt.date | None,
               today: dt.date | None) -> None:
    """Raise `ListingError` when `paper` cannot be listed on `day` (see `listings_from_entries`)."""
    ref = f"{paper.id} (#{position})"
    problem = day_problem(day, today) or paper_day_problem(paper.id, day)
    if problem is None and requested is not None \
            and abs((day - requested).days) > MAX_DAYS_FROM_REQUESTED:
        problem = (f"dated {day}, {abs((day - requested).days)} days from the day asked for "
                   f"({requested}): not that day's paper (the API shifted it?)")
    if problem is not None:
        raise ListingError(problem, paper=ref, field="paper.submittedOnDailyAt")


def paper_from_entry(
    entry: Any, *, position: int, requested: dt.date | None,
    repaired: list[ListingError] | None = None,
) -> tuple[dt.date, Paper]:
    """One API entry -> (listing day, validated `Paper`); `repaired`: see `Paper.from_mapping`."""
    if not isinstance(entry, Mapping):
        hint = ""
        if isinstance(entry, str) and entry.lstrip().startswith("{"):
            hint = " (a Python repr of an object? the archive was saved with str(), not JSON)"
        text = repr(entry)
        text = text if len(text) <= 60 else text[:57] + "..."
        raise ListingError(f"expected an object, got {type(entry).__name__} {text}{hint}",
                           paper=f"#{position}")
    inner = entry.get("paper")
    paper_id = inner.get("id") if isinstance(inner, Mapping) else None
    ref = (f"{clean_line(paper_id)} (#{position})"
           if isinstance(paper_id, str) and paper_id.strip() and len(paper_id) <= 100
           else f"#{position}")
    if not isinstance(inner, Mapping):
        raise ListingError("missing or not an object", paper=ref, field="paper")

    day = parse_date(inner.get("submittedOnDailyAt"), field="paper.submittedOnDailyAt",
                     paper=ref) or requested
    if day is None:
        raise ListingError(
            "no listing day: this entry has no submittedOnDailyAt; name the file YYYY-MM-DD.json "
            "or pass --date",
            paper=ref,
            field="paper.submittedOnDailyAt",
        )
    mapping = {
        "id": paper_id,
        "title": _first(entry.get("title"), inner.get("title")),
        "authors": _visible_authors(inner.get("authors"), ref, repaired),
        "abstract": _first(entry.get("summary"), inner.get("summary")),
        "published": inner.get("publishedAt"),
        "ai_summary": inner.get("ai_summary"),
        "keywords": inner.get("ai_keywords"),
        "upvotes": inner.get("upvotes"),
        "comments": entry.get("numComments"),
        "organization": _organization(entry, inner),
        "github": inner.get("githubRepo"),
        "github_stars": inner.get("githubStars"),
        "project_page": inner.get("projectPage"),
        "thumbnail": _first(entry.get("thumbnail"), entry.get("mediaUrl")),
        "submitter": _submitter(entry.get("submittedBy"), ref, repaired),
    }
    mapping = {key: value for key, value in mapping.items() if value is not None}
    try:
        notes: list[ListingError] | None = [] if repaired is not None else None
        paper = Paper.from_mapping(mapping, position=position, repaired=notes)
    except ListingError as exc:
        raise ListingError(exc.message, paper=exc.paper, field=_hf_field(exc.field)) from None
    if repaired is not None and notes:
        repaired.extend(ListingError(note.message, paper=note.paper, field=_hf_field(note.field))
                        for note in notes)
    return day, paper


def _hf_field(field: str | None) -> str | None:
    """Our field name in an error (`keywords[3]`) as the API calls it (`paper.ai_keywords[3]`)."""
    if not field:
        return field
    head = re.match(r"[a-z_]+", field)
    name = head.group(0) if head else field
    return HF_FIELD_NAMES.get(name, name) + field[len(name):]


def _first(*values: Any) -> Any:
    """The first value that is present and not blank text."""
    for value in values:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return value
    return None


def _visible_authors(authors: Any, ref: str,
                     repaired: list[ListingError] | None = None) -> list[Any] | None:
    """Author names, leaving out those HF marks hidden (removed from the paper page); with
    `repaired`, an author without a name is left out with a note instead of refusing the paper.
    """
    if authors is None:
        return None
    if not isinstance(authors, list):
        raise ListingError(f"expected a list of authors, got {type(authors).__name__}",
                           paper=ref, field="paper.authors")
    names = []
    for index, author in enumerate(authors, 1):
        if not isinstance(author, Mapping):
            raise ListingError(f"expected an author object, got {type(author).__name__}",
                               paper=ref, field=f"paper.authors[{index}]")
        if author.get("hidden") is True:
            continue
        name = author.get("name")
        if not isinstance(name, str):
            error = ListingError(f"expected a name, got {type(name).__name__} {name!r:.40}",
                                 paper=ref, field=f"paper.authors[{index}].name")
            if repaired is None:
                raise error
            repaired.append(ListingError(f"{error.message}; author left out", paper=ref,
                                         field=error.field))
            continue
        names.append(name)
    return names


def _organization(entry: Mapping[str, Any], inner: Mapping[str, Any]) -> Any:
    org = _first(entry.get("organization"), inner.get("organization"),
                 entry.get("submitterOrganization"))
    if isinstance(org, Mapping):
        # Keep only what we store: the avatar URL and internal _id are HF's business.
        return {"name": org.get("name"), "fullname": org.get("fullname")}
    return org


def _submitter(submitted_by: Any, ref: str,
               repaired: list[ListingError] | None = None) -> Any:
    if submitted_by is None:
        return None
    if not isinstance(submitted_by, Mapping):
        error = ListingError(f"expected an object, got {type(submitted_by).__name__}",
                             paper=ref, field="submittedBy")
        if repaired is None:
            raise error
        repaired.append(ListingError(f"{error.message}; left out", paper=ref, field=error.field))
        return None
    return submitted_by.get("name")
