"""Which pages go into which search shard, the shard manifest, and where a shard can be reused.

The search index is split into shards, one complete Pagefind bundle per value of one filter
(the paper pages' `year`), so each Pagefind run holds one shard in memory and a daily build
re-indexes only the shards whose pages changed. This module owns:

- scanning the built site: every HTML page that Pagefind would index (it carries
  `data-pagefind-body`) is put in the shard named by its `data-pagefind-filter="year:..."`
  value (pages without one go to the shard `other`), and each shard gets a digest of its
  pages' paths and bytes plus the indexing settings (`scan_site`);
- the manifest `shards.json` the browser reads (`write_manifest`, `read_manifest`): shards
  newest first, each with its folder, page count and digest; compact, sorted, same bytes for
  the same pages;
- copying a shard folder by hard links where the file system allows (`link_tree`).

Running Pagefind, canonicalising its output and swapping bundles into place is left to
`pagefind_index`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

MANIFEST = "shards.json"
MANIFEST_VERSION = 1
OTHER = "other"  # the shard of indexed pages that carry no value of the shard filter
BODY_MARKER = b"data-pagefind-body"
SHARD_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")


class ShardError(ValueError):
    """A page's shard value cannot name a folder."""


@dataclass
class Shard:
    name: str
    pages: list[str] = field(default_factory=list)  # paths relative to the site, sorted
    digest: str = ""


def _value_re(filter_name: str) -> re.Pattern[bytes]:
    return re.compile(rb'data-pagefind-filter="' + re.escape(filter_name.encode())
                      + rb':([^"]*)"')


def pattern_re(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression on `/`-separated relative paths: `**/` is any number of
    folders, `*` and `?` stay within one name (no character classes: `[` is literal)."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _walk(site: Path, pattern: str, skip: Iterable[str]) -> list[str]:
    """Files matching `pattern` under `site`, relative, sorted; names starting with a dot and
    top-level folders in `skip` are never entered. (`os.scandir` on strings: pathlib's glob
    costs more than reading and hashing every page.)"""
    matches = pattern_re(pattern).match
    fixed = []
    for part in pattern.split("/")[:-1]:
        if any(c in part for c in "*?"):
            break
        fixed.append(part)
    skipped = set(skip)
    found = []
    stack = ["/".join(fixed)]
    while stack:
        folder = stack.pop()
        try:
            entries = os.scandir(os.path.join(site, folder) if folder else site)
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith(".") or (not folder and entry.name in skipped):
                    continue
                relative = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append(relative)
                elif matches(relative):
                    found.append(relative)
    return sorted(found)


def scan_site(site: Path, pattern: str, filter_name: str, recipe: str,
              skip: Iterable[str] = ()) -> tuple[list[Shard], bool]:
    """The shards of `site`, newest first, and whether any page carries `data-pagefind-body`.

    Without any marked page Pagefind indexes every page's body, so then every page counts.
    `recipe` (Pagefind's version and settings) goes into every digest: a new Pagefind or new
    settings re-index everything.
    """
    value_re = _value_re(filter_name)
    marked: dict[str, list[tuple[str, str]]] = {}
    unmarked: list[tuple[str, str]] = []
    hashes: dict[tuple[bool, str], hashlib._Hash] = {}
    root = str(site)
    for relative in _walk(site, pattern, skip):
        try:
            with open(os.path.join(root, relative), "rb") as file:
                data = file.read()
        except FileNotFoundError:  # a temporary file of a page being written meanwhile
            continue
        is_marked = BODY_MARKER in data
        match = value_re.search(data)
        name = match.group(1).decode("utf-8", "replace").strip() if match else OTHER
        if not SHARD_NAME_RE.match(name):
            raise ShardError(f"{relative}: {filter_name} value {name!r} cannot name a search "
                             "shard (letters, digits, - and _ only)")
        (marked.setdefault(name, []) if is_marked else unmarked).append((relative, name))
        digest = hashes.get((is_marked, name))
        if digest is None:
            digest = hashes[(is_marked, name)] = hashlib.sha256(
                f"search shard {MANIFEST_VERSION}\0{recipe}\0{name}\0".encode())
        digest.update(relative.encode() + b"\0" + len(data).to_bytes(8, "big"))
        digest.update(data)
    any_marked = bool(marked)
    groups: dict[str, list[str]] = {}
    for relative, name in (pair for pairs in marked.values() for pair in pairs) \
            if any_marked else unmarked:
        groups.setdefault(name, []).append(relative)
    shards = [Shard(name, sorted(pages), hashes[(any_marked, name)].hexdigest())
              for name, pages in groups.items()]
    return newest_first(shards), any_marked


def newest_first(shards: list[Shard]) -> list[Shard]:
    """Shard names (years) in descending order, `other` last: the order the browser expects."""
    ordered = sorted(shards, key=lambda shard: shard.name, reverse=True)
    return [s for s in ordered if s.name != OTHER] + [s for s in ordered if s.name == OTHER]


def manifest_bytes(shards: list[Shard]) -> bytes:
    entries = [{"name": s.name, "path": f"{s.name}/", "pages": len(s.pages),
                "digest": s.digest} for s in shards]
    return (json.dumps({"version": MANIFEST_VERSION, "shards": entries},
                       separators=(",", ":"), sort_keys=True) + "\n").encode()


def write_manifest(folder: Path, shards: list[Shard]) -> None:
    temporary = folder / f".{MANIFEST}.tmp"
    temporary.write_bytes(manifest_bytes(shards))
    os.replace(temporary, folder / MANIFEST)


def read_manifest(folder: Path) -> dict[str, str]:
    """{shard name: digest} of the complete shards a previous build left in `folder`.

    Anything unreadable counts as no shard at all: the shard is then simply indexed again.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        entries = manifest["shards"] if manifest.get("version") == MANIFEST_VERSION else []
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    found = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        name, digest = entry.get("name"), entry.get("digest")
        if (isinstance(name, str) and SHARD_NAME_RE.match(name) and isinstance(digest, str)
                and _DIGEST_RE.match(digest) and entry.get("path") == f"{name}/"
                and (folder / name / "pagefind-entry.json").is_file()):
            found[name] = digest
    return found


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """Copy the folder `source` to `target`, by hard links when both are on one file system.

    Bundle files are never changed in place once written (every build writes new folders), so
    sharing them between output/ and the cache is safe.
    """
    shutil.copytree(source, target, copy_function=_link_or_copy)
