"""Make a Pagefind bundle byte-identical across runs by putting filters and sorts in order.

Pagefind 1.5.2 writes everything deterministically except its filters and sorts: the values
of each filter (topic names, years, ...), the list of filters and the list of sort keys come
out in the iteration order of a Rust HashMap, which is randomly seeded per process. A filter
chunk's file name is a hash of its content, the language's metadata file lists those names,
and `pagefind-entry.json` names the metadata file by its hash, so one random order changes
four or five files on every build.

This module rewrites just those files: each filter chunk with its values sorted, then the
metadata file (filters and sorts listed by name) and the entry file, pointing at the new
names. It understands only the small CBOR subset Pagefind uses (unsigned integers, text, byte
strings, arrays), checks that decoding and re-encoding reproduces every file exactly before
changing anything, and raises `UnexpectedBundle` otherwise, so a different Pagefind version
can never be half-rewritten. It leaves indexing itself to `pagefind_index`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"
# Positions in the metadata array: [version, pages, index chunks, filters, sorts, meta fields].
FILTERS_FIELD = 3
SORTS_FIELD = 4
FILTER_HASH_LENGTH = 7  # "en_" + 7 hex digits, as Pagefind names them
META_HASH_LENGTH = 10


class UnexpectedBundle(ValueError):
    """The bundle is not laid out the way this module knows (another Pagefind version?)."""


def decode(data: bytes, pos: int = 0) -> tuple[Any, int]:
    """One CBOR item at `pos`: (value, position after it)."""
    if pos >= len(data):
        raise UnexpectedBundle("truncated CBOR")
    initial = data[pos]
    major, info = initial >> 5, initial & 31
    pos += 1
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        argument = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise UnexpectedBundle(f"unsupported CBOR length encoding at byte {pos - 1}")
    if major == 0:
        return argument, pos
    if major in (2, 3):
        chunk = data[pos:pos + argument]
        if len(chunk) != argument:
            raise UnexpectedBundle("truncated CBOR string")
        return (chunk.decode("utf-8") if major == 3 else bytes(chunk)), pos + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, pos = decode(data, pos)
            items.append(item)
        return items, pos
    raise UnexpectedBundle(f"unsupported CBOR type {major} at byte {pos - 1}")


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise UnexpectedBundle(f"integer too large for CBOR: {argument}")


def encode(value: Any) -> bytes:
    """Shortest-form CBOR for the subset `decode` reads."""
    if isinstance(value, bool):
        raise UnexpectedBundle("booleans are not part of the subset")
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(item) for item in value)
    raise UnexpectedBundle(f"cannot encode {type(value).__name__}")


def read_chunk(path: Path) -> Any:
    """A Pagefind chunk (gzip of signature + CBOR), decoded; it must re-encode to itself."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise UnexpectedBundle(f"{path.name}: not gzip data ({exc})") from None
    if not raw.startswith(SIGNATURE):
        raise UnexpectedBundle(f"{path.name}: no {SIGNATURE.decode()} signature")
    value, end = decode(raw, len(SIGNATURE))
    if end != len(raw) or encode(value) != raw[len(SIGNATURE):]:
        raise UnexpectedBundle(f"{path.name}: does not round-trip through the CBOR subset")
    return value


def chunk_bytes(value: Any) -> tuple[bytes, str]:
    """The gzip bytes of a chunk (no timestamp) and the hex digest of its content."""
    payload = SIGNATURE + encode(value)
    return gzip.compress(payload, compresslevel=9, mtime=0), hashlib.sha256(payload).hexdigest()


def sort_filter(value: Any, name: str) -> list:
    """A filter chunk `[name, [[value, [page, ...]], ...]]` with its values in sorted order."""
    if (not isinstance(value, list) or len(value) != 2 or value[0] != name
            or not isinstance(value[1], list)
            or not all(isinstance(e, list) and len(e) == 2 and isinstance(e[0], str)
                       for e in value[1])):
        raise UnexpectedBundle(f"filter chunk for {name!r} has an unknown layout")
    return [name, sorted(value[1], key=lambda entry: entry[0])]


def canonicalize(bundle: Path) -> int:
    """Rewrite `bundle`'s filter chunks in sorted order; return how many files were renamed.

    Everything is read and checked first and written afterwards, so an `UnexpectedBundle`
    leaves the bundle exactly as Pagefind wrote it.
    """
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        languages = entry["languages"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UnexpectedBundle(f"pagefind-entry.json: {exc}") from None
    writes: dict[Path, bytes] = {}
    removals: set[Path] = set()
    for language, info in sorted(languages.items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_chunk(meta_path)
        if not isinstance(meta, list) or len(meta) <= SORTS_FIELD:
            raise UnexpectedBundle(f"{meta_path.name}: unknown metadata layout")
        for pair in meta[FILTERS_FIELD]:
            if not (isinstance(pair, list) and len(pair) == 2
                    and all(isinstance(part, str) for part in pair)):
                raise UnexpectedBundle(f"{meta_path.name}: unknown filter list layout")
            name, old_hash = pair
            old_path = bundle / "filter" / f"{old_hash}.pf_filter"
            data, digest = chunk_bytes(sort_filter(read_chunk(old_path), name))
            pair[1] = f"{language}_{digest[:FILTER_HASH_LENGTH]}"
            writes[bundle / "filter" / f"{pair[1]}.pf_filter"] = data
            removals.add(old_path)
        # The lists of filters and of sort keys come out in HashMap order too.
        meta[FILTERS_FIELD].sort()
        sorts = meta[SORTS_FIELD]
        if not all(isinstance(item, list) and item and isinstance(item[0], str)
                   for item in sorts):
            raise UnexpectedBundle(f"{meta_path.name}: unknown sort list layout")
        sorts.sort(key=lambda item: item[0])
        data, digest = chunk_bytes(meta)
        info["hash"] = f"{language}_{digest[:META_HASH_LENGTH]}"
        writes[bundle / f"pagefind.{info['hash']}.pf_meta"] = data
        removals.add(meta_path)
    # Pagefind writes the entry file compact, in this key order, without a final newline.
    writes[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    for path in removals - writes.keys():
        path.unlink()
    for path, data in sorted(writes.items()):
        path.write_bytes(data)
    return len(removals - writes.keys())
