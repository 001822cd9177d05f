"""Importers: turn an input file (HF API JSON, a copied Daily Papers page, or our own YAML) into
validated `Listing` objects.

Owns format detection and the dispatch to one parser per format; each parser lives in its own
module (`hf_api`, `page_text`) and YAML listings reuse `listing_io.parse_listing`. Importers never
write files and never look at the existing archive: merging is `merge`, writing is `listing_io`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from paperarchive import listing_io
from paperarchive.importers import hf_api, page_text
from paperarchive.model import Listing, ListingError, Problems

FORMATS = ("hf-json", "page-text", "yaml")
# Suffixes a directory walk picks up; anything else in a directory is not ours to import.
INPUT_SUFFIXES = {".json": "hf-json", ".yaml": "yaml", ".yml": "yaml", ".txt": "page-text"}
# Suffixes that say what a file is; a .txt file may hold anything, so its content decides.
_TELLING_SUFFIXES = {".json", ".yaml", ".yml"}
_DAY_IN_NAME_RE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})")


@dataclass(frozen=True)
class ImportOptions:
    """What the user told `import` about the inputs."""

    format: str | None = None  # None: detect per file
    date: dt.date | None = None  # the requested day of HF JSON files, a copied page's day
    page_year: int | None = None  # the year of a copied page's year-less dates
    max_bytes: int = listing_io.MAX_LISTING_BYTES


def detect_format(path: Path, text: str) -> str:
    """The input format of a file: by suffix (.json, .yaml), else by its content."""
    if path.suffix.lower() in _TELLING_SUFFIXES:
        return INPUT_SUFFIXES[path.suffix.lower()]
    start = text.lstrip()[:1]
    if start in ("[", "{"):
        return "hf-json"
    if text.lstrip().startswith(("date:", "---", "papers:")):
        return "yaml"
    return "page-text"


def requested_day(path: Path, options: ImportOptions) -> dt.date | None:
    """The day an HF API file was requested for: `--date`, else a YYYY-MM-DD in its name."""
    if options.date is not None:
        return options.date
    match = _DAY_IN_NAME_RE.search(path.name)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        raise ListingError(f"the file name holds {match.group(1)!r}, which is not a real date",
                           source=str(path)) from None


def parse_input(path: Path, text: str, options: ImportOptions,
                problems: Problems | None = None) -> tuple[str, list[Listing]]:
    """Parse one input file's text into listings; returns the format used and the listings.

    With `problems`, inputs are parsed tolerantly: a paper that cannot be kept is left out and
    noted there, and the file is refused (`DayRefused`) only when most of its papers are
    invalid; a copied page whose blocks cannot be read is refused whole.
    """
    source = str(path)
    fmt = options.format or detect_format(path, text)
    if fmt == "hf-json":
        listings = hf_api.parse_hf_json(text, source, requested=requested_day(path, options),
                                        problems=problems)
    elif fmt == "page-text":
        listings = page_text.parse_page_text(text, source, page_year=options.page_year,
                                             date=options.date, problems=problems)
    elif fmt == "yaml":
        listings = [listing_io.parse_listing(text, source, problems)]
    else:
        raise ListingError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}", source=source)
    return fmt, listings


def read_input(path: Path, options: ImportOptions,
               problems: Problems | None = None) -> tuple[str, list[Listing]]:
    """Read and parse one input file, refusing files over the size limit."""
    text = listing_io.read_text_limited(path, options.max_bytes)
    return parse_input(path, text, options, problems)


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files named on the command line, with directories walked for known suffixes (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [p for p in path.rglob("*")
                     if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                     and not p.name.startswith(".")]
            files.extend(sorted(found))
        else:
            files.append(path)
    return files
