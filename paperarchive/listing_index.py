"""An index of the listing files already validated: content hash -> day and paper ids.

Owns the index file (JSON under `cache/`, e.g. `cache/render/listings.json`) and scanning the
listings folder with it. Parsing and validating every YAML listing took ~10 s at 40,000
papers, while a daily import or render needs the full papers of a few days only: the rest of
the archive matters through its ids (a paper stays on its first day) and its validity. A file
whose exact bytes (SHA-256) were validated before by the same code is known valid and its ids
come from the index; any other file is parsed and validated as without the index, so errors
still name the file, paper and field. Content hashes, not modification times: CI checks the
listings out afresh every run.

Beside the index, a folder of parsed listings (`listings/<hash>.pickle`, written for every
file the run parsed or wrote) spares the render of a full build from parsing the YAML the
import has just written: loading the 40,000 papers from YAML cost most of that render. Like
Pelican's own cache, these are pickles, so `cache/` must be as trusted as the code.

The index is only an optimisation: it is versioned by the source of the modules that decide
validity (a code change drops it), written atomically, and a missing, corrupt or truncated
index is ignored with a warning. It leaves parsing to `listing_io` and merging to `merge`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from paperarchive import atomic, listing_io, model
from paperarchive.model import Listing

log = logging.getLogger(__name__)

# Bump when the index format changes; code changes to validation are caught by CODE_FINGERPRINT.
INDEX_VERSION = 1


def source_fingerprint(*modules: object) -> str:
    """A hash of the source files of `modules`: a cache built by other code is not trusted."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())  # type: ignore[attr-defined]
        digest.update(b"\0")
    return digest.hexdigest()


CODE_FINGERPRINT = source_fingerprint(model, listing_io)


@dataclass(frozen=True)
class IndexedListing:
    """One valid listing file as the index knows it."""

    path: Path
    digest: str  # SHA-256 of the file's bytes
    date: dt.date
    ids: tuple[str, ...]  # in listing order


class ListingIndex:
    """Valid listing contents by hash; `scan` validates only what it has not seen."""

    def __init__(self, known: dict[str, tuple[dt.date, tuple[str, ...]]] | None = None,
                 parsed_dir: Path | None = None) -> None:
        self._known = dict(known or {})
        self._parsed_dir = parsed_dir  # where parsed listings are kept, if anywhere
        self._current: dict[Path, IndexedListing] = {}
        self._parsed: dict[Path, Listing] = {}
        self.hits = self.misses = 0

    @classmethod
    def load(cls, path: Path | None) -> ListingIndex:
        """The index in `path`, or an empty one if there is none or it cannot be trusted."""
        if path is None:
            return cls()
        parsed_dir = path.with_suffix("")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(parsed_dir=parsed_dir)
        except (OSError, ValueError) as exc:
            log.warning("%s: ignoring the listing index (%s)", path, exc)
            return cls(parsed_dir=parsed_dir)
        try:
            if (data["version"], data["code"]) != (INDEX_VERSION, CODE_FINGERPRINT):
                log.info("%s: listing index of another version, rebuilding it", path)
                return cls(parsed_dir=parsed_dir)
            known = {}
            for digest, (day, ids) in data["listings"].items():
                if not (isinstance(digest, str) and isinstance(ids, list)
                        and all(isinstance(i, str) for i in ids)):
                    raise ValueError(f"malformed entry {digest!r}")
                known[digest] = (dt.date.fromisoformat(day), tuple(ids))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("%s: ignoring the listing index (malformed: %s)", path, exc)
            return cls(parsed_dir=parsed_dir)
        return cls(known, parsed_dir)

    def scan(self, root: Path) -> Iterator[IndexedListing]:
        """Every listing file under `root`, oldest day first (as `iter_listing_files`).

        A file not in the index is parsed and validated here (raising `ListingError` as
        `listing_io.load_listing` does) and kept for `listing`.
        """
        for path in listing_io.iter_listing_files(root):
            data = listing_io.read_bytes_limited(path)
            digest = hashlib.sha256(data).hexdigest()
            known = self._known.get(digest)
            if known is not None:
                self.hits += 1
                day, ids = known
                listing_io.check_listing_name(path, day)
            else:
                self.misses += 1
                listing = listing_io.listing_from_bytes(path, data)
                self._parsed[path] = listing
                day, ids = listing.date, tuple(paper.id for paper in listing.papers)
                self._known[digest] = (day, ids)
            item = IndexedListing(path, digest, day, ids)
            self._current[path] = item
            yield item

    def listing(self, item: IndexedListing) -> Listing:
        """The full listing of a scanned file (parsed once)."""
        listing = self._parsed.get(item.path)
        if listing is None:
            listing = self._load_parsed(item)
        if listing is None:
            listing = listing_io.load_listing(item.path)
        self._parsed[item.path] = listing
        return listing

    def _parsed_path(self, digest: str) -> Path | None:
        return self._parsed_dir / f"{digest}.pickle" if self._parsed_dir else None

    def _load_parsed(self, item: IndexedListing) -> Listing | None:
        """The parsed listing kept for `item`'s content, or None (missing or unusable)."""
        path = self._parsed_path(item.digest)
        if path is None:
            return None
        try:
            with path.open("rb") as handle:
                code, listing = pickle.load(handle)  # noqa: S301 - our own cache
        except FileNotFoundError:
            return None
        except Exception as exc:  # any broken pickle: parse the YAML instead
            log.warning("%s: ignoring a broken parsed listing (%s)", path, exc)
            return None
        if (code != CODE_FINGERPRINT or not isinstance(listing, Listing)
                or listing.date != item.date
                or tuple(paper.id for paper in listing.papers) != item.ids):
            log.warning("%s: ignoring a parsed listing that does not match its file", path)
            return None
        return listing

    def _save_parsed(self) -> None:
        """Keep the listings parsed or written in this run; drop those of vanished files."""
        folder = self._parsed_dir
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        wanted = {f"{item.digest}.pickle": item for item in self._current.values()}
        present = set(os.listdir(folder))
        for name in sorted(present - wanted.keys()):
            (folder / name).unlink(missing_ok=True)
        for name, item in wanted.items():
            listing = self._parsed.get(item.path)
            if name in present or listing is None:
                continue
            data = pickle.dumps((CODE_FINGERPRINT, listing), protocol=pickle.HIGHEST_PROTOCOL)
            atomic.write_bytes(folder / name, data, per_process=True)

    def record(self, path: Path, text: str, listing: Listing) -> None:
        """`path` now holds `text`, the dump of the valid `listing` (written by an import)."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        ids = tuple(paper.id for paper in listing.papers)
        self._known[digest] = (listing.date, ids)
        self._current[path] = IndexedListing(path, digest, listing.date, ids)
        self._parsed[path] = listing

    def forget(self, path: Path) -> None:
        """`path` was removed."""
        self._current.pop(path, None)
        self._parsed.pop(path, None)

    def save(self, path: Path) -> None:
        """Write the entries of the files seen or written in this run, atomically."""
        entries = {item.digest: [item.date.isoformat(), list(item.ids)]
                   for item in self._current.values()}
        data = {"version": INDEX_VERSION, "code": CODE_FINGERPRINT,
                "listings": dict(sorted(entries.items()))}
        try:
            listing_io.write_atomic(
                path, json.dumps(data, separators=(",", ":")) + "\n", durable=False)
            self._save_parsed()
        except OSError as exc:
            log.warning("%s: cannot write the listing index (%s)", path, exc)
