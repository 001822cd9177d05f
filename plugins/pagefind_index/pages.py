"""The paper pages the search index is built from: which they are, their digest, their titles.

This module owns three things about the pages Pagefind will read (the pages a glob matches,
and of those, the ones marked `data-pagefind-body`):

- the walk of the built site (`scan_site`), reading only pages written since the last build:
  the page memo (`read_page_memo`, `write_page_memo`) keeps each page's size, mtime, digest
  and title;
- the digest of all of them together with the indexing recipe (`Scan.digest`): equal
  digests mean an equal bundle, so a build whose paper pages did not change reuses the
  previous one;
- the search vocabulary (`vocabulary`): the words of the papers' titles with how many titles
  hold each, which the search page loads to suggest a spelling when a query word matches
  nothing.

Running Pagefind and swapping bundles is left to `pagefind_index`.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperarchive import atomic

log = logging.getLogger(__name__)

BODY_MARKER = b"data-pagefind-body"
MEMO = "pages.json"  # the page memo, in the search cache folder
MEMO_VERSION = 3
_DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")
# The title: the explicit meta value of a title with math, else the text of the <h1>.
_TITLE_META_RE = re.compile(rb'<h1[^>]*\bdata-pagefind-meta="title:([^"]*)"')
_H1_RE = re.compile(rb"<h1[^>]*>(.*?)</h1>", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")
# A word as the search page compares it: lower case, letters, digits and "_" (what Pagefind
# keeps of a word: "GPT-4o" is "gpt4o", "O'Neil" is "oneil", "N_0-TWAM" is "n_0twam").
_NOT_WORD_RE = re.compile(r"\W+")


def search_word(word: str) -> str:
    return _NOT_WORD_RE.sub("", word).lower()


@dataclass(frozen=True)
class Page:
    marked: bool  # carries data-pagefind-body
    digest: str  # sha256 of its bytes, hex
    title: str  # its title as plain text ("" when it has none)


@dataclass
class Scan:
    """The pages Pagefind will index, by site-relative path, in path order."""
    pages: dict[str, Page] = field(default_factory=dict)
    any_marked: bool = False

    def digest(self, recipe: str) -> str:
        """One digest of the pages' paths and bytes and of `recipe` (Pagefind's version and
        arguments): the same digest, the same bundle."""
        digest = hashlib.sha256(f"search bundle\0{recipe}\0".encode())
        for relative, page in self.pages.items():
            digest.update(f"{relative}\0{page.digest}\0".encode())
        return digest.hexdigest()


def pattern_re(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression on `/`-separated relative paths: `**/` is any number of
    folders, `*` and `?` stay within one name (no character classes: `[` is literal)."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
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


def page_title(data: bytes) -> str:
    """The title of a paper page, as plain text."""
    match = _TITLE_META_RE.search(data)
    if match is None:
        match = _H1_RE.search(data)
        if match is None:
            return ""
        return html.unescape(_TAG_RE.sub("", match.group(1).decode("utf-8", "replace"))).strip()
    return html.unescape(match.group(1).decode("utf-8", "replace")).strip()


def read_page(data: bytes) -> Page:
    return Page(BODY_MARKER in data, hashlib.sha256(data).hexdigest(), page_title(data))


# Page memo, by site-relative path: [size, mtime_ns, marked, sha256 hex, title].
PageMemo = dict[str, list[Any]]


def _memo_entry(entry: Any) -> bool:
    return (isinstance(entry, list) and len(entry) == 5 and type(entry[0]) is int
            and type(entry[1]) is int and isinstance(entry[2], bool)
            and isinstance(entry[3], str) and _DIGEST_RE.match(entry[3]) is not None
            and isinstance(entry[4], str))


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
    atomic.write_text(path, json.dumps({"version": MEMO_VERSION, "pages": memo},
                                       separators=(",", ":"), sort_keys=True))


def scan_site(site: Path, pattern: str, skip: Iterable[str] = (),
              memo: PageMemo | None = None) -> Scan:
    """The pages of `site` that match `pattern` and that Pagefind will index.

    Without any page marked `data-pagefind-body` Pagefind indexes every page's body, so then
    every page counts. `memo` maps pages to what an earlier scan read from them, with their
    size and mtime; a page whose size and mtime are unchanged is not read again. It is updated
    in place to this site's pages.
    """
    known = memo if memo is not None else {}
    seen: PageMemo = {}
    found: list[tuple[str, Page]] = []
    root = str(site)
    for relative in _walk(site, pattern, skip):
        path = os.path.join(root, relative)
        try:
            stat = os.stat(path)
            before = known.get(relative)
            if before is not None and before[0] == stat.st_size and before[1] == stat.st_mtime_ns:
                page = Page(before[2], before[3], before[4])
            else:
                with open(path, "rb") as file:
                    data = file.read()
                    stat = os.fstat(file.fileno())
                page = read_page(data)
                if len(data) != stat.st_size:  # written to meanwhile: not worth remembering
                    stat = None
        except FileNotFoundError:  # a temporary file of a page being written meanwhile
            continue
        if stat is not None:
            seen[relative] = [stat.st_size, stat.st_mtime_ns, page.marked, page.digest,
                              page.title]
        found.append((relative, page))
    if memo is not None:
        memo.clear()
        memo.update(seen)
    any_marked = any(page.marked for _, page in found)
    return Scan({relative: page for relative, page in found if page.marked == any_marked},
                any_marked)


# The vocabulary: title words of at least MIN_LENGTH characters with a letter in them, held
# by at least MIN_TITLES titles, the MAX_WORDS most frequent (at 40,000 papers: about 9,000
# words, 30 KB gzipped, loaded only when a query word matches nothing).
VOCABULARY = "words.json"
VOCABULARY_VERSION = 1
MIN_LENGTH = 4
MIN_TITLES = 2
MAX_WORDS = 10_000
_LETTER_RE = re.compile(r"[^\W\d_]")


def vocabulary(titles: Iterable[str]) -> list[tuple[str, int]]:
    """[(word, titles holding it)], most frequent first, then alphabetical."""
    counts: Counter[str] = Counter()
    for title in titles:
        counts.update({word for word in map(search_word, title.split())
                       if len(word) >= MIN_LENGTH and _LETTER_RE.search(word)})
    common = [(word, n) for word, n in counts.items() if n >= MIN_TITLES]
    common.sort(key=lambda item: (-item[1], item[0]))
    return common[:MAX_WORDS]


def vocabulary_bytes(titles: Iterable[str]) -> bytes:
    words = vocabulary(titles)
    return (json.dumps({"version": VOCABULARY_VERSION, "words": [word for word, _ in words],
                        "titles": [n for _, n in words]},
                       ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """Copy the folder `source` to `target`, by hard links when both are on one file system.

    Bundle files are never changed in place once written (every build writes a new folder),
    so sharing them between output/ and the cache is safe.
    """
    shutil.copytree(source, target, copy_function=_link_or_copy)
