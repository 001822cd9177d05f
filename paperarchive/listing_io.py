"""Listing files on disk: where they live, how they are read, and how they are written.

Owns the YAML form of a `Listing` (`content/listings/YYYY/YYYY-MM-DD.yaml`), loading with
validation, deterministic dumping, and atomic writes (temp file + rename, so a killed process
never leaves half a file). It leaves the meaning of fields to `model` and merging to `merge`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

from paperarchive import atomic
from paperarchive.model import Listing, ListingError, Problems

log = logging.getLogger(__name__)

# A day of Daily Papers is ~50 KB of YAML; anything near this is not a listing.
MAX_LISTING_BYTES = 20 * 1024 * 1024
LISTING_NAME_RE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})\.ya?ml$")


# libyaml's parser (PyYAML's C extension) is ~5x faster than the pure-Python one, which made
# loading the listings most of the render step; both resolve and construct the same way.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping with the same key twice (YAML says keys are unique; PyYAML keeps the last)."""


class _ListingLoader(_SafeLoader):
    """SafeLoader that reads bare floats and timestamps as text, and refuses duplicate keys.

    A hand-edited ``id: 2605.10010`` would otherwise become the float 2605.1001 and lose its
    trailing zero, and ``date: 2026-02-30`` would crash inside PyYAML instead of getting a
    located error; no listing field is a float, and `model.parse_date` reads dates from text.
    A second ``papers:`` pasted at the end of a file would silently replace the first, and the
    next import would rewrite the file without the papers it hid.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, yaml.Node] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if first is not None:
                raise DuplicateKeyError(
                    None, None,
                    f"duplicate key {key!r} (first on line {first.start_mark.line + 1}); a "
                    f"second block replaces the first, so merge them into one",
                    key_node.start_mark)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_TEXT_TAGS = ("tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
_ListingLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _ListingDumper(yaml.SafeDumper):
    """SafeDumper with block-style lists indented under their key, as people write YAML."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def listing_path(root: Path, day: dt.date) -> Path:
    """Where the listing of `day` lives under the listings folder `root`."""
    return root / f"{day:%Y}" / f"{day.isoformat()}.yaml"


def iter_listing_files(root: Path) -> Iterator[Path]:
    """Every listing file under `root`, oldest day first."""
    if not root.exists():
        return iter(())
    files = [p for p in root.rglob("*.y*ml") if LISTING_NAME_RE.match(p.name)]
    return iter(sorted(files, key=lambda p: (p.name, str(p))))


def parse_listing(text: str, source: str, problems: Problems | None = None) -> Listing:
    """Parse and validate listing YAML; errors name `source`. With `problems`, papers that
    cannot be kept are left out and noted there (see `Listing.from_mapping`).

    A listing must end with a newline: YAML cut off at an arbitrary byte (a download or copy
    that stopped part-way) is usually still valid YAML, with the last papers silently missing
    or the last value cut short, and the missing final newline is what gives it away.
    """
    if text and not text.endswith("\n"):
        line = text.count("\n") + 1
        raise ListingError(
            f"line {line}: the file does not end with a newline, so it looks truncated "
            f"(if it is complete, add the newline)", source=source)
    try:
        data = yaml.load(text, Loader=_ListingLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ListingError(f"{where}invalid YAML: {problem}", source=source) from None
    found = Problems() if problems is not None else None
    try:
        listing = Listing.from_mapping(data, found)
    except ListingError as exc:
        raise exc.located(source) from None
    if problems is not None and found is not None:
        problems.extend(found.located(source))
    return listing


def read_bytes_limited(path: Path, limit: int = MAX_LISTING_BYTES) -> bytes:
    """A file's bytes, refusing files over `limit` bytes."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise ListingError(f"is {size:,} bytes, over the {limit:,}-byte limit",
                               source=str(path))
        return path.read_bytes()
    except OSError as exc:
        raise ListingError(f"cannot read: {exc.strerror}", source=str(path)) from None


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 text of a file's bytes; errors name `path`."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ListingError(f"not UTF-8 text (byte {exc.start})", source=str(path)) from None


def read_text_limited(path: Path, limit: int = MAX_LISTING_BYTES) -> str:
    """A file's text, refusing files over `limit` bytes or not valid UTF-8."""
    return decode_text(read_bytes_limited(path, limit), path)


def check_listing_name(path: Path, day: dt.date) -> None:
    """Raise `ListingError` when the file name of `path` names another day than `day`.

    The file name must agree with the `date` inside, so a copied file cannot silently list
    its papers under the wrong day.
    """
    match = LISTING_NAME_RE.match(path.name)
    if match and match.group(1) != day.isoformat():
        raise ListingError(
            f"the file is named for {match.group(1)} but lists {day.isoformat()}",
            source=str(path),
            field="date",
        )


def listing_from_bytes(path: Path, data: bytes) -> Listing:
    """Validate the listing file `path` whose content is `data` (see `load_listing`)."""
    listing = parse_listing(decode_text(data, path), str(path))
    check_listing_name(path, listing.date)
    return listing


def load_listing(path: Path) -> Listing:
    """Read and validate one listing file (its name must agree with its `date`)."""
    return listing_from_bytes(path, read_bytes_limited(path))


def load_archive(root: Path) -> list[Listing]:
    """Every listing under `root`, oldest first; the first invalid file raises."""
    return [load_listing(path) for path in iter_listing_files(root)]


def dump_listing(listing: Listing) -> str:
    """The YAML text of a listing: same listing, same bytes."""
    return yaml.dump(
        listing.to_mapping(),
        Dumper=_ListingDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


# Below this many listings, starting worker processes costs more than dumping saves.
PARALLEL_DUMP_THRESHOLD = 64


def dump_listings(listings: Sequence[Listing], workers: int | None = None) -> list[str]:
    """`dump_listing` of each listing, on `workers` processes (default: one per CPU) when
    there are many: PyYAML's emitter is pure Python and was most of a full import's time.
    Same text either way (dumping is a pure function)."""
    workers = workers or os.cpu_count() or 1
    if len(listings) < PARALLEL_DUMP_THRESHOLD or workers < 2:
        return [dump_listing(listing) for listing in listings]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(dump_listing, listings, chunksize=32))


def write_atomic(path: Path, text: str, *, durable: bool = True) -> bool:
    """Write `text` to `path` via a temp file and rename; skip if unchanged.

    Returns True when the file was written. The rename is atomic on POSIX, so a reader (or a
    crash) sees either the old file or the new one, never a mix. `durable=False` skips the
    fsync, for generated files that the next build rewrites anyway (an fsync per file made
    rendering thousands of papers wait on the disk).
    """
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(path, data, durable=durable)
    return True


def write_listing(root: Path, listing: Listing) -> bool:
    """Write a listing to its place under `root`; True when the file changed."""
    return write_atomic(listing_path(root, listing.date), dump_listing(listing))
