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
    def from_mapping(cls, data: Any, *, position: int | None = None) -> Paper:
        """Validate and clean one paper mapping; raise `ListingError` naming the field."""
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
        reader = _FieldReader(data, ref)
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
            id=paper_id,
            title=reader.required_line("title", MAX_TEXT_LENGTH["title"]),
            authors=reader.names("authors", MAX_AUTHORS, required=True),
            abstract=reader.paragraphs("abstract", required=True) or "",
            author_count=reader.count("author_count"),
            published=reader.date("published"),
            ai_summary=reader.paragraphs("ai_summary"),
            keywords=reader.names("keywords", MAX_KEYWORDS),
            upvotes=reader.count("upvotes"),
            comments=reader.count("comments"),
            organization=reader.organization("organization"),
            github=reader.url("github"),
            github_stars=reader.count("github_stars"),
            project_page=reader.url("project_page"),
            thumbnail=reader.url("thumbnail"),
            submitter=reader.optional_line("submitter"),
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
    def from_mapping(cls, data: Any) -> Listing:
        """Validate a whole listing; raise `ListingError` for the first problem found."""
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
        papers = tuple(
            Paper.from_mapping(item, position=index) for index, item in enumerate(raw_papers, 1)
        )
        check_unique_ids(papers)
        return cls(date=day, papers=papers)


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

    def __init__(self, data: Mapping[str, Any], ref: str) -> None:
        self.data = data
        self.ref = ref

    def error(self, name: str, message: str) -> ListingError:
        return ListingError(message, paper=self.ref, field=name)

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
                raise self.error(f"{name}[{index}]", f"expected text, got {_describe(item)}")
            text = clean_line(item)
            if len(text) > MAX_NAME_LENGTH:
                raise self.error(f"{name}[{index}]",
                                 f"is longer than {MAX_NAME_LENGTH} characters")
            if text:
                names.append(text)
        return tuple(names)

    def count(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
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
