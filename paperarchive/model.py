"""The listing model: one day's papers, validated and cleaned.

Owns the `Paper` and `Listing` dataclasses, the rules a listing must follow (ids, dates, types,
counts, URLs) and the text cleaning every string goes through before it is stored. Everything
else in the pipeline (importers, rendering, feeds, search) works only with these objects, so an
invariant enforced here holds everywhere.

It leaves file formats alone: reading and writing YAML lives in `listing_io`, the HF API and the
copied page in `importers`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

# New-style arXiv ids (2007 on): YYMM.NNNN or YYMM.NNNNN, optionally versioned.
ARXIV_ID_RE = re.compile(r"^[0-9]{4}\.[0-9]{4,5}(v[0-9]+)?$")
# Slugs for papers with no arXiv id (the copied-page import): lowercase words joined by dashes.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80
# Upper bounds that no real paper reaches; past them the data is junk, not a paper.
MAX_TEXT_LENGTH = {"title": 2_000, "abstract": 50_000, "ai_summary": 10_000}
MAX_NAME_LENGTH = 1_000
MAX_AUTHORS = 5_000
MAX_KEYWORDS = 500
MAX_URL_LENGTH = 2_000
# Daily Papers began in May 2023: a paper with an arXiv id listed before this is on a
# placeholder date, not its day. Papers from a copied page (slug ids) carry the date the page
# shows, which can be older, but never older than arXiv itself.
FIRST_DAY = dt.date(2023, 5, 1)
EARLIEST_DAY = dt.date(1991, 8, 1)
# An API entry dated further than this from the day that was asked for is not that day's paper.
MAX_DAYS_FROM_REQUESTED = 3
# A response or file where more than this share of the papers is invalid is refused whole: the
# format has changed, and keeping the few that parse would hide it.
MAX_BAD_SHARE = 0.5

# Characters removed from every stored string: C0/C1 controls (except newline and tab), lone
# surrogates, non-characters that XML forbids, and the bidi embedding/override/isolate controls
# that can make a title display as something other than what it says.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_STRIP_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff" + _BIDI_CONTROLS + "]"
)


class ListingError(ValueError):
    """Invalid listing data, located by file, paper and field.

    `str()` gives one line a user can act on, e.g.
    ``content/listings/2026/2026-05-29.yaml: paper 2605.29801 (#3): upvotes: expected ...``.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        paper: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.paper = paper
        self.field = field
        super().__init__(str(self))

    def located(self, source: str) -> ListingError:
        """The same error, with the file it came from (kept if already set)."""
        if self.source:
            return self
        return ListingError(self.message, source=source, paper=self.paper, field=self.field)

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.paper and f"paper {self.paper}", self.field) if p]
        return ": ".join([*parts, self.message])


class DayRefused(ListingError):
    """A whole response or file refused: most of its papers are invalid (a format change)."""


@dataclass
class Problems:
    """What a tolerant parse repaired or dropped (`repaired`) and the papers it left out
    (`skipped`), each a located `ListingError`; a strict parse (no `Problems`) raises instead."""

    repaired: list[ListingError] = field(default_factory=list)
    skipped: list[ListingError] = field(default_factory=list)

    def located(self, source: str) -> Problems:
        return Problems([e.located(source) for e in self.repaired],
                        [e.located(source) for e in self.skipped])

    def extend(self, other: Problems) -> None:
        self.repaired.extend(other.repaired)
        self.skipped.extend(other.skipped)

    def __bool__(self) -> bool:
        return bool(self.repaired or self.skipped)


def check_bad_share(total: int, problems: Problems, what: str = "papers") -> None:
    """Raise `DayRefused` when most of `total` papers were skipped (see `MAX_BAD_SHARE`)."""
    bad = len(problems.skipped)
    if total and bad > total * MAX_BAD_SHARE:
        first = problems.skipped[0]
        raise DayRefused(f"{bad} of {total} {what} are invalid (the first: {first}); "
                         f"refusing them all (a format change, or a broken API?)")


def canonical_id(paper_id: str) -> str:
    """An arXiv id without its version: `2501.00001v2` is the paper `2501.00001`."""
    match = ARXIV_ID_RE.match(paper_id)
    if match and match.group(1):
        return paper_id[: -len(match.group(1))]
    return paper_id


def arxiv_month(paper_id: str) -> dt.date | None:
    """The first day of the month an arXiv id was issued in (`2605.01234`: 2026-05-01)."""
    if not ARXIV_ID_RE.match(paper_id):
        return None
    year, month = 2000 + int(paper_id[:2]), int(paper_id[2:4])
    return dt.date(year, month, 1) if 1 <= month <= 12 else None


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def day_problem(day: dt.date, today: dt.date | None = None) -> str | None:
    """Why `day` cannot be the day of any listing, or None when it can."""
    if day < EARLIEST_DAY:
        return f"{day} is before arXiv began ({EARLIEST_DAY:%Y-%m}): a placeholder date?"
    tomorrow = (today or utc_today()) + dt.timedelta(days=1)
    if day > tomorrow:
        return f"{day} is in the future (after {tomorrow}): a placeholder date?"
    return None


def paper_day_problem(paper_id: str, day: dt.date) -> str | None:
    """Why a paper cannot be listed on `day`, or None: an arXiv paper is not listed before
    Daily Papers began, nor before the month of its arXiv id."""
    month = arxiv_month(paper_id)
    if month is None:
        return None
    if day < FIRST_DAY:
        return (f"listed on {day}, before Daily Papers began ({FIRST_DAY:%Y-%m}): "
                f"a placeholder date?")
    if day < month:
        return f"listed on {day}, before its arXiv id was issued ({month:%Y-%m})"
    return None


def misplaced(paper_id: str, day: dt.date, today: dt.date | None = None) -> bool:
    """Whether `day` cannot be the paper's day (a placeholder date: see the two rules above)."""
    return day_problem(day, today) is not None or paper_day_problem(paper_id, day) is not None


def clean_text(value: str) -> str:
    """Normalise one string: NFC, no control or bidi characters, no surrogates."""
    # Strip before normalising: NFC must never see a lone surrogate.
    return unicodedata.normalize("NFC", _STRIP_RE.sub("", value))


def clean_line(value: str) -> str:
    """A single-line field (title, name, keyword): cleaned, whitespace runs folded to one space."""
    return " ".join(clean_text(value).split())


def clean_paragraphs(value: str) -> str:
    """A prose field (abstract, summary): hard line wraps joined, paragraphs kept.

    Paragraphs are separated by a blank line in the source; within one, every run of whitespace
    (arXiv's hard wraps included) becomes a single space.
    """
    text = clean_text(value).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)



def is_valid_id(value: str) -> bool:
    """An arXiv id (``2608.19880``) or a safe title slug (``robot-learning-with-sparsity``)."""
    return bool(ARXIV_ID_RE.match(value)) or (
        len(value) <= MAX_SLUG_LENGTH and bool(SLUG_RE.match(value))
    )


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """A stable, URL- and path-safe slug from a title: ASCII lowercase words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", clean_line(text)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "untitled"


def safe_url(value: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL with a host, else None.

    Strips the whitespace the HF API sometimes leaves in (`githubRepo` has stray newlines), and
    drops `javascript:`, `data:` and relative URLs so no template can ever link to them.
    """
    if value is None:
        return None
    url = clean_text(value).strip()
    if not url or len(url) > MAX_URL_LENGTH or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError:  # "http://[x" or a port out of range: not a URL anyone can follow
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


@dataclass(frozen=True, order=True)
class Topic:
    """A curated topic from the taxonomy (`/tags/<slug>/`); papers are matched to it."""

    slug: str
    name: str


@dataclass(frozen=True)
class Organization:
    """The HF organisation a paper was submitted under (`/orgs/<name>/`)."""

    name: str
    fullname: str

    @property
    def display_name(self) -> str:
        return self.fullname or self.name


@dataclass(frozen=True)
class Paper:
    """One paper as listed. `id`, `title`, `authors` and `abstract` are always present."""

    id: str
    title: str
    authors: tuple[str, ...]
    abstract: str
    author_count: int | None = None  # when only a count is known (copied page)
    published: dt.date | None = None  # the arXiv date, not the listing day
    ai_summary: str | None = None
    keywords: tuple[str, ...] = ()
    upvotes: int | None = None
    comments: int | None = None
    organization: Organization | None = None
    github: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    thumbnail: str | None = None
    submitter: str | None = None

    @property
    def is_arxiv(self) -> bool:
        return bool(ARXIV_ID_RE.match(self.id))

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.id}" if self.is_arxiv else None

    @property
    def pdf_url(self) -> str | None:
        return f"https://arxiv.org/pdf/{self.id}" if self.is_arxiv else None

    @property
    def hf_url(self) -> str | None:
        return f"https://huggingface.co/papers/{self.id}" if self.is_arxiv else None

    @property
    def total_authors(self) -> int:
        return self.author_count if self.author_count is not None else len(self.authors)

    def to_mapping(self) -> dict[str, Any]:
        """The paper as plain data in listing-file field order, optional fields left out."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or (f.name == "keywords" and not value):
                continue
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Organization):
                value = {"name": value.name, "fullname": value.fullname}
            data[f.name] = value
        return data

    @classmethod
    def from_mapping(cls, data: Any, *, position: int | None = None,
                     repaired: list[ListingError] | None = None) -> Paper:
        """Validate and clean one paper mapping; raise `ListingError` naming the field.

        With a `repaired` list, an optional field that is invalid is dropped (and a count of
        `12.0` read as 12) with a note in the list, instead of the paper being refused; a
        required field (id, title, authors, abstract) that is invalid still refuses it.
        """
        ref = _paper_ref(data, position)
        if not isinstance(data, Mapping):
            raise ListingError(
                f"expected a mapping of fields, got {_describe(data)}", paper=ref
            )
        unknown = sorted(str(k) for k in data if k not in PAPER_FIELDS)
        if unknown:
            raise ListingError(
                f"unknown field(s) {', '.join(unknown)}; known fields: {', '.join(PAPER_FIELDS)}",
                paper=ref,
            )
        reader = _FieldReader(data, ref, repaired)
        paper_id = reader.required_str("id")
        raw_id = data.get("id")
        # Checked before cleaning too: an id with a NUL or a control character in it is junk,
        # not an id to silently repair (it names files and URLs).
        if not is_valid_id(paper_id) or raw_id.strip() != paper_id:
            raise ListingError(
                f"{raw_id!r} is neither an arXiv id (2608.19880) nor a lowercase-dash slug",
                paper=ref,
                field="id",
            )
        return cls(
            id=canonical_id(paper_id),
            title=reader.required_line("title", MAX_TEXT_LENGTH["title"]),
            authors=reader.names("authors", MAX_AUTHORS, required=True),
            abstract=reader.paragraphs("abstract", required=True) or "",
            author_count=reader.optional("author_count", reader.count),
            published=reader.optional("published", reader.date),
            ai_summary=reader.optional("ai_summary", reader.paragraphs),
            keywords=reader.optional("keywords", lambda n: reader.names(n, MAX_KEYWORDS)) or (),
            upvotes=reader.optional("upvotes", reader.count),
            comments=reader.optional("comments", reader.count),
            organization=reader.optional("organization", reader.organization),
            github=reader.optional("github", reader.url),
            github_stars=reader.optional("github_stars", reader.count),
            project_page=reader.optional("project_page", reader.url),
            thumbnail=reader.optional("thumbnail", reader.url),
            submitter=reader.optional("submitter", reader.optional_line),
        )


PAPER_FIELDS = tuple(f.name for f in fields(Paper))


@dataclass(frozen=True)
class Listing:
    """One day: its date and the papers shown that day, in listing order."""

    date: dt.date
    papers: tuple[Paper, ...] = field(default_factory=tuple)

    def to_mapping(self) -> dict[str, Any]:
        return {"date": self.date, "papers": [p.to_mapping() for p in self.papers]}

    @classmethod
    def from_mapping(cls, data: Any, problems: Problems | None = None) -> Listing:
        """Validate a whole listing; raise `ListingError` for the first problem found.

        With `problems`, a paper that cannot be kept is left out (noted in `problems.skipped`,
        as is the second copy of an id) and invalid optional fields are dropped (noted in
        `problems.repaired`); a listing where most papers are invalid raises `DayRefused`.
        """
        if not isinstance(data, Mapping):
            raise ListingError(
                f"a listing is a mapping with 'date' and 'papers', got {_describe(data)}"
            )
        unknown = sorted(str(k) for k in data if k not in ("date", "papers"))
        if unknown:
            raise ListingError(f"unknown top-level field(s) {', '.join(unknown)}")
        day = parse_date(data.get("date"), field="date")
        if day is None:
            raise ListingError("missing", field="date")
        raw_papers = data.get("papers")
        if raw_papers is None:
            raw_papers = []
        if not isinstance(raw_papers, list):
            raise ListingError(f"expected a list of papers, got {_describe(raw_papers)}",
                               field="papers")
        if problems is None:
            papers = tuple(Paper.from_mapping(item, position=index)
                           for index, item in enumerate(raw_papers, 1))
            check_unique_ids(papers)
            return cls(date=day, papers=papers)
        found = Problems()
        kept = []
        for index, item in enumerate(raw_papers, 1):
            try:
                kept.append(Paper.from_mapping(item, position=index, repaired=found.repaired))
            except ListingError as exc:
                found.skipped.append(exc)
        check_bad_share(len(raw_papers), found)
        problems.extend(found)
        return cls(date=day, papers=unique_papers(kept, problems))


def unique_papers(papers: Iterable[Paper], problems: Problems) -> tuple[Paper, ...]:
    """`papers` without second copies of an id (`2501.00001v2` after `2501.00001` too), each
    noted in `problems.skipped`."""
    seen: dict[str, int] = {}
    kept = []
    for index, paper in enumerate(papers, 1):
        if paper.id in seen:
            problems.skipped.append(ListingError(
                f"listed twice (also paper #{seen[paper.id]}); the first is kept",
                paper=f"{paper.id} (#{index})", field="id"))
            continue
        seen[paper.id] = index
        kept.append(paper)
    return tuple(kept)


def check_unique_ids(papers: Iterable[Paper]) -> None:
    """Raise `ListingError` on the first id listed twice."""
    seen: dict[str, int] = {}
    for index, paper in enumerate(papers, 1):
        if paper.id in seen:
            raise ListingError(
                f"listed twice (also paper #{seen[paper.id]})",
                paper=f"{paper.id} (#{index})",
                field="id",
            )
        seen[paper.id] = index


def parse_date(value: Any, *, field: str, paper: str | None = None) -> dt.date | None:
    """A date from YAML (already a date) or text (``YYYY-MM-DD``, or an ISO timestamp)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                return dt.date.fromisoformat(text)
            if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T.*", text):
                return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            raise ListingError(f"{value!r} is not a real date", paper=paper, field=field) from None
    raise ListingError(
        f"expected a date as YYYY-MM-DD, got {_describe(value)}", paper=paper, field=field
    )


class _FieldReader:
    """Typed, located access to one paper's raw fields."""

    def __init__(self, data: Mapping[str, Any], ref: str,
                 repaired: list[ListingError] | None = None) -> None:
        self.data = data
        self.ref = ref
        self.repaired = repaired

    def error(self, name: str, message: str) -> ListingError:
        return ListingError(message, paper=self.ref, field=name)

    def drop(self, error: ListingError) -> None:
        """An optional field (or list item) that is invalid: raise, or note it and drop it."""
        if self.repaired is None:
            raise error
        self.repaired.append(ListingError(f"{error.message}; left out", paper=error.paper,
                                          field=error.field))

    def optional(self, name: str, read: Any) -> Any:
        """`read(name)`, or None with a note when it raises and the parse is tolerant."""
        try:
            return read(name)
        except ListingError as exc:
            self.drop(exc)
            return None

    def _string(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.error(name, f"expected text, got {_describe(value)}")
        return value

    def required_str(self, name: str) -> str:
        value = self.data.get(name)
        if value is None:
            raise self.error(name, "missing")
        text = clean_line(self._string(name, value))
        if not text:
            raise self.error(name, "is empty")
        return text

    def required_line(self, name: str, limit: int) -> str:
        text = self.required_str(name)
        if len(text) > limit:
            raise self.error(name, f"is {len(text)} characters long, the limit is {limit}")
        return text

    def optional_line(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        text = clean_line(self._string(name, value))
        if len(text) > MAX_NAME_LENGTH:
            raise self.error(name, f"is longer than {MAX_NAME_LENGTH} characters")
        return text or None

    def paragraphs(self, name: str, *, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.error(name, "missing")
            return None
        text = clean_paragraphs(self._string(name, value))
        limit = MAX_TEXT_LENGTH[name]
        if len(text) > limit:
            raise self.error(name, f"is {len(text)} characters long, the limit is {limit}")
        return text or None

    def names(self, name: str, limit: int, *, required: bool = False) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.error(name, "missing (use an empty list when no names are known)")
            return ()
        if not isinstance(value, list):
            raise self.error(name, f"expected a list of names, got {_describe(value)}")
        if len(value) > limit:
            raise self.error(name, f"has {len(value)} entries, the limit is {limit}")
        names = []
        for index, item in enumerate(value, 1):
            if not isinstance(item, str):
                self.drop(self.error(f"{name}[{index}]", f"expected text, got {_describe(item)}"))
                continue
            text = clean_line(item)
            if len(text) > MAX_NAME_LENGTH:
                self.drop(self.error(f"{name}[{index}]",
                                     f"is longer than {MAX_NAME_LENGTH} characters"))
                continue
            if text:
                names.append(text)
        return tuple(names)

    def count(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer() and value >= 0:
            if self.repaired is not None:
                self.repaired.append(self.error(name, f"{value!r} read as {int(value)}"))
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, f"expected a whole number, got {_describe(value)}")
        if value < 0:
            raise self.error(name, f"expected a number of 0 or more, got {value}")
        return value

    def date(self, name: str) -> dt.date | None:
        return parse_date(self.data.get(name), field=name, paper=self.ref)

    def url(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        # Unsafe or malformed URLs are dropped rather than rejected: a paper without its
        # project link is still worth listing, and the link never reaches a page.
        return safe_url(self._string(name, value))

    def organization(self, name: str) -> Organization | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.error(name, f"expected a mapping with 'name' and 'fullname', "
                                   f"got {_describe(value)}")
        org_name = value.get("name")
        if not isinstance(org_name, str) or not SLUG_NAME_RE.match(org_name.strip()):
            raise self.error(f"{name}.name", "expected an HF organisation handle "
                                             "(letters, digits, '-', '_', '.')")
        fullname = clean_line(self._string(f"{name}.fullname", value.get("fullname") or ""))
        if len(fullname) > MAX_NAME_LENGTH:
            raise self.error(f"{name}.fullname", f"is longer than {MAX_NAME_LENGTH} characters")
        return Organization(name=org_name.strip(), fullname=fullname)


# HF organisation handles as they appear in huggingface.co/<name> URLs.
SLUG_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


def _paper_ref(data: Any, position: int | None) -> str:
    """How an error names a paper: its id when it has a usable one, and its position."""
    where = f"#{position}" if position is not None else ""
    paper_id = data.get("id") if isinstance(data, Mapping) else None
    if isinstance(paper_id, str) and paper_id.strip() and len(paper_id) <= 100:
        name = clean_line(paper_id)
        return f"{name} ({where})" if where else name
    return where or "?"


def _describe(value: Any) -> str:
    """A short, safe description of an unexpected value for an error message."""
    kind = {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number", type(None): "nothing"}.get(type(value))
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{kind or type(value).__name__} {text}" if kind != "nothing" else "nothing"
