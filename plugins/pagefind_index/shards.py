"""Which pages go into which search shard, the shard manifest, and where a shard can be reused.

The search index is split into shards, complete Pagefind bundles over the values of one
filter (the paper pages' `year`), so each Pagefind run holds one shard in memory and a daily
build re-indexes only the shards whose pages changed. Every closed year is one shard; the
open year is one shard a quarter, except its newest quarter, one shard a month (`2027-q2`,
`2027-07`, `2027-08`), so a new day re-indexes one month or two. A quarter, and a year, close
once the newest day is `recent_days` (the days a daily build fetches again) past their end:
that build indexes the closed quarter or year once more as one shard. This module owns:

- scanning the built site: every HTML page that Pagefind would index (it carries
  `data-pagefind-body`) is put in the shard named by its `data-pagefind-filter="year:..."`
  value (pages without one go to the shard `other`) and, in the open year, the day of its
  `data-pagefind-sort="date:..."`; each shard gets a digest of its pages' paths and bytes plus
  the indexing settings (`scan_site`);
- the page memo (`read_page_memo`, `write_page_memo`): what the scan read from each page, by
  size and mtime, so a daily build reads only the pages written since the last one;
- the manifest `shards.json` the browser reads (`write_manifest`, `read_manifest`): shards
  newest first, each with its folder, page count and digest; compact, sorted, same bytes for
  the same pages;
- copying a shard folder by hard links where the file system allows (`link_tree`).

Running Pagefind, canonicalising its output and swapping bundles into place is left to
`pagefind_index`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MANIFEST = "shards.json"
MANIFEST_VERSION = 1
OTHER = "other"  # the shard of indexed pages that carry no value of the shard filter
BODY_MARKER = b"data-pagefind-body"
SHARD_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")
# The day a page is listed, from the sort key search.js sorts "newest" by.
_DATE_RE = re.compile(rb'data-pagefind-sort="date:([0-9]{4}-[0-9]{2}-[0-9]{2})"')
# Shard names that are spans of days: a year, a quarter of it, a month of it.
_PERIOD_RE = re.compile(r"^([0-9]{4})(?:-q([1-4])|-(0[1-9]|1[0-2]))?$")
SPLITS = ("month", "quarter", "none")  # how the open years are split into shards
MEMO = "pages.json"  # the page memo, next to the cached shards
MEMO_VERSION = 2


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


@dataclass(frozen=True)
class PageFacts:
    """What the shard scan needs of one page: read from its bytes, or from the page memo."""
    marked: bool  # carries data-pagefind-body
    value: str  # its shard filter value (OTHER without one)
    day: str  # YYYY-MM-DD from its `date` sort key when in the year of `value`, else ""
    digest: bytes  # sha256 of its bytes


# Page memo, by site-relative path: [size, mtime_ns, marked, value, day, sha256 hex].
PageMemo = dict[str, list[Any]]


def _page_facts(data: bytes, relative: str, value_re: re.Pattern[bytes],
                filter_name: str) -> PageFacts:
    match = value_re.search(data)
    value = match.group(1).decode("utf-8", "replace").strip() if match else OTHER
    if not SHARD_NAME_RE.match(value):
        raise ShardError(f"{relative}: {filter_name} value {value!r} cannot name a search "
                         "shard (letters, digits, - and _ only)")
    date = _DATE_RE.search(data)
    day = date.group(1).decode() if date else ""
    try:
        if datetime.date.fromisoformat(day).year != int(value):
            day = ""
    except ValueError:  # no date, or a value that is not a year
        day = ""
    return PageFacts(BODY_MARKER in data, value, day, hashlib.sha256(data).digest())


def _memo_entry(entry: Any) -> bool:
    return (isinstance(entry, list) and len(entry) == 6 and type(entry[0]) is int
            and type(entry[1]) is int and isinstance(entry[2], bool)
            and isinstance(entry[3], str) and isinstance(entry[4], str)
            and isinstance(entry[5], str) and _DIGEST_RE.match(entry[5]) is not None)


def read_page_memo(path: Path) -> PageMemo:
    """The page memo a previous scan saved at `path`; {} if missing or unreadable (then every
    page is simply read again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pages = data["pages"] if data.get("version") == MEMO_VERSION else {}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("pagefind: %s is unreadable (%s); every page is read again", path, exc)
        return {}
    if not isinstance(pages, dict):
        return {}
    return {relative: entry for relative, entry in pages.items() if _memo_entry(entry)}


def write_page_memo(path: Path, memo: PageMemo) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps({"version": MEMO_VERSION, "pages": memo},
                                    separators=(",", ":"), sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def shard_name(value: str, day: str, cutoff: datetime.date | None, split: str) -> str:
    """The shard of a page with shard filter `value` listed on `day` ("" if unknown).

    Years before `cutoff`'s are closed: one shard each. From `cutoff`'s year on, `split` says:
    "quarter" gives a shard a quarter (`2027-q2`); "month" a shard a month (`2027-08`) from
    `cutoff`'s quarter on and a shard a quarter before it; "none" a shard a year. Pages
    without a day, and every value that is not a year, keep their value as their shard.
    """
    if split == "none" or not day or cutoff is None or int(value) < cutoff.year:
        return value
    month = int(day[5:7])
    quarter = (month - 1) // 3 + 1
    if split == "month" and (int(value), quarter) >= (cutoff.year, (cutoff.month - 1) // 3 + 1):
        return f"{value}-{month:02d}"
    return f"{value}-q{quarter}"


def scan_site(site: Path, pattern: str, filter_name: str, recipe: str,
              skip: Iterable[str] = (), split: str = "month", recent_days: int = 14,
              memo: PageMemo | None = None) -> tuple[list[Shard], bool]:
    """The shards of `site`, newest first, and whether any page carries `data-pagefind-body`.

    Without any marked page Pagefind indexes every page's body, so then every page counts.
    Each page goes to the shard of its filter value, and pages of the open years to a shard of
    their quarter or month (`shard_name`), by the page's `data-pagefind-sort="date:..."`. A
    year stays open until the newest page is `recent_days` past it (the days a daily build
    fetches again, so their changes never touch a closed year or quarter). `recipe`
    (Pagefind's version and settings) goes into every digest: a new Pagefind or new settings
    re-index everything.

    `memo` maps pages to what an earlier scan read from them with their size and mtime; a page
    whose size and mtime are unchanged is not read again. It is updated in place to this
    site's pages.
    """
    if split not in SPLITS:
        raise ValueError(f"split: expected one of {', '.join(SPLITS)}, got {split!r}")
    value_re = _value_re(filter_name)
    known = memo if memo is not None else {}
    seen: PageMemo = {}
    facts: list[tuple[str, PageFacts]] = []
    root = str(site)
    for relative in _walk(site, pattern, skip):
        path = os.path.join(root, relative)
        try:
            stat = os.stat(path)
            before = known.get(relative)
            if before is not None and before[0] == stat.st_size and before[1] == stat.st_mtime_ns:
                page = PageFacts(before[2], before[3], before[4], bytes.fromhex(before[5]))
            else:
                with open(path, "rb") as file:
                    data = file.read()
                    stat = os.fstat(file.fileno())
                page = _page_facts(data, relative, value_re, filter_name)
                if len(data) != stat.st_size:  # written to meanwhile: not worth remembering
                    stat = None
        except FileNotFoundError:  # a temporary file of a page being written meanwhile
            continue
        if stat is not None:
            seen[relative] = [stat.st_size, stat.st_mtime_ns, page.marked, page.value,
                              page.day, page.digest.hex()]
        facts.append((relative, page))
    if memo is not None:
        memo.clear()
        memo.update(seen)
    any_marked = any(page.marked for _, page in facts)
    counted = [(relative, page) for relative, page in facts if page.marked == any_marked]
    newest = max((page.day for _, page in counted if page.day), default="")
    cutoff = (datetime.date.fromisoformat(newest) - datetime.timedelta(days=recent_days)
              if newest else None)
    groups: dict[str, list[tuple[str, bytes]]] = {}
    for relative, page in counted:  # in path order
        name = shard_name(page.value, page.day, cutoff, split)
        groups.setdefault(name, []).append((relative, page.digest))
    shards = []
    for name, pages in groups.items():
        digest = hashlib.sha256(f"search shard {MANIFEST_VERSION}\0{recipe}\0{name}\0".encode())
        for relative, page_digest in pages:
            digest.update(relative.encode() + b"\0" + page_digest)
        shards.append(Shard(name, [relative for relative, _ in pages], digest.hexdigest()))
    return newest_first(shards), any_marked


_GLOB_SAFE_RE = re.compile(r"^[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*$")


def page_glob(pages: list[str]) -> str | None:
    """A Pagefind glob matching exactly `pages` (relative paths), or None when a path holds a
    character that would need escaping in a glob.

    The folders and file name every page shares stay literal, so Pagefind walks only that
    folder: `papers/{2708.17263,2708.17272}/index.html`.
    """
    if not pages or not all(_GLOB_SAFE_RE.match(page) for page in pages):
        return None
    split = [page.split("/") for page in pages]
    shortest = min(len(parts) for parts in split)
    head = 0
    while head < shortest - 1 and len({parts[head] for parts in split}) == 1:
        head += 1
    tail = 0
    while (tail < shortest - 1 - head
           and len({parts[len(parts) - 1 - tail] for parts in split}) == 1):
        tail += 1
    middles = ["/".join(parts[head:len(parts) - tail]) for parts in split]
    prefix = "".join(part + "/" for part in split[0][:head])
    suffix = "".join("/" + part for part in split[0][len(split[0]) - tail:]) if tail else ""
    return prefix + "{" + ",".join(middles) + "}" + suffix


def _age(shard: Shard) -> tuple:
    period = _PERIOD_RE.match(shard.name)
    if period is None:  # not a span of days: after them, by name, `other` last
        return (0, shard.name != OTHER, shard.name)
    year, quarter, month = period.groups()
    first_month = int(month) if month else 3 * int(quarter) - 2 if quarter else 0
    return (1, int(year), first_month)


def newest_first(shards: list[Shard]) -> list[Shard]:
    """Spans of days newest first (2027-08, 2027-07, 2027-q2, 2027-q1, 2027, 2026: a year's
    shard holds only its undated pages while the year is split), then other names in
    descending order, `other` last: the order the browser expects."""
    return sorted(shards, key=_age, reverse=True)


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
