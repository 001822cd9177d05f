"""Fingerprints: what a page is rendered from, reduced to a short, stable digest.

Owns two digests. The *site digest* changes whenever anything every page depends on changes:
all settings but the folders' locations (SITEURL, RELATIVE_URLS, ... whatever the settings
file holds), every file of the
theme (templates and static files), the source of our plugins and of `paperarchive`, the Python
version and every installed distribution's version. The *page digest* (see `Fingerprinter`)
covers what one `writer.write_file` call hands its template: the variables passed in, and the
values of the shared context variables that the template (with everything it includes,
imports or extends) reads, found by parsing the templates (`template_globals`).

Values are reduced by type (`Fingerprinter.value`): plain data as is, dates by ISO text,
dataclasses field by field (the archive's days, months, groups, pages, papers), and a paper
article (anything with `paper` and `listing_day`) as exactly what a list shows of it: its URL,
paper, listing day and topics, the last three by the `entry_key` archive_pages gives them (a
digest of every field, made once when the paper is read and cached with it) when there is one.
The page's own `article` also brings its related lists
(`more_from_day`, `more_on_topic` from archive_related), digested as the paper page shows
them: each neighbour's URL, slug, id, title, upvotes and listing day. A value of any other type
cannot be fingerprinted, and its page is always rendered.

It leaves deciding what to skip, and the manifest, to `archive_writer`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateError, TemplateNotFound, meta

from paperarchive.model import Organization, Paper, Topic

# Bumped whenever the digests' composition changes, so old manifests never match.
FORMAT = 2
# Where things are, not what pages say: a build moved to another folder (another CI runner
# path, a copied work directory) is still the same site. What those folders hold is digested.
LOCATIONS = frozenset({"PATH", "OUTPUT_PATH", "CACHE_PATH", "THEME", "PLUGIN_PATHS"})
# Sequences longer than this are digested once per build (by identity) and reused.
MEMO_LENGTH = 32


# The listing model's frozen dataclasses hold only str, int, date, None, tuples of str and
# each other, so their generated repr is a complete, stable fingerprint (and much faster than
# walking their fields).
PLAIN_RECORDS = frozenset({Paper, Topic, Organization})


class Unfingerprintable(TypeError):
    """A template variable of a type with no known fingerprint: its page is always rendered."""


def digest(data: Any) -> str:
    return hashlib.blake2b(repr(data).encode("utf-8"), digest_size=16).hexdigest()


def stable(value: Any) -> Any:
    """A settings value as plain, run-independent data (no memory addresses in reprs)."""
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return tuple(sorted((repr(stable(k)), stable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(stable(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(stable(item)) for item in value))
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if callable(value) or isinstance(value, type):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"
    text = repr(value)
    return type(value).__qualname__ if " at 0x" in text else text


def tree_digest(roots: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """Digest of every file under `roots` (names and bytes), optionally only some suffixes."""
    hasher = hashlib.blake2b(digest_size=16)
    for root in roots:
        if not root.exists():
            continue
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
            and (suffixes is None or p.suffix in suffixes))
        for path in files:
            hasher.update(path.relative_to(root.parent).as_posix().encode() + b"\0")
            hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()


def versions_digest() -> str:
    """Python and every installed distribution, by version."""
    found = sorted({(dist.metadata["Name"] or "?", dist.version)
                    for dist in importlib.metadata.distributions()})
    return digest((sys.version, found))


def site_parts(settings: Mapping[str, Any], code_roots: Iterable[Path]) -> dict[str, str]:
    """What every page depends on, by part: settings, theme files, our code, versions."""
    shown = tuple(sorted((key, stable(value)) for key, value in settings.items()
                         if key.isupper() and key not in LOCATIONS))
    theme = Path(settings.get("THEME") or ".")
    return {"format": str(FORMAT), "settings": digest(shown), "theme": tree_digest([theme]),
            "code": tree_digest(code_roots, (".py",)), "versions": versions_digest()}


def template_globals(environment: Environment, name: str) -> frozenset[str] | None:
    """Every variable `name` and the templates it uses read without defining it, or None when
    a template is chosen at run time (then all of the context counts)."""
    seen: set[str] = set()
    found: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = environment.loader.get_source(environment, current)[0]
        except TemplateNotFound:  # a missing optional include (`ignore missing`) reads nothing
            continue
        try:
            tree = environment.parse(source)
            found |= meta.find_undeclared_variables(tree)
        except TemplateError:
            return None  # rendering will report it; nothing is skipped meanwhile
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                return None
            pending.append(referenced)
    return frozenset(found)


def is_entry(value: Any) -> bool:
    return hasattr(value, "paper") and hasattr(value, "listing_day")


class Fingerprinter:
    """Reduces template variables to plain data; remembers large values for one build."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, Any]] = {}  # id -> (object kept alive, fingerprint)
        self._neighbours: dict[int, tuple[Any, Any]] = {}  # the same, for `neighbour`

    def _remembered(self, value: Any, make: Any) -> Any:
        key = id(value)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is value:
            return hit[1]
        result = make()
        self._memo[key] = (value, result)
        return result

    def value(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, (dt.date, dt.datetime)):
            return (type(value).__name__, value.isoformat())
        if isinstance(value, (list, tuple)):
            if len(value) > MEMO_LENGTH:
                return self._remembered(value, lambda: digest(self._items(value)))
            return self._items(value)
        if is_entry(value):  # digested once: list pages repeat the same papers many times
            return self._remembered(value, lambda: digest(self.entry(value)))
        if type(value) in PLAIN_RECORDS:  # frozen, plain fields: their repr says it all
            return repr(value)  # (not remembered: a paper is digested once, in its entry)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._remembered(value, lambda: (type(value).__qualname__, tuple(
                self.value(getattr(value, f.name)) for f in dataclasses.fields(value))))
        if isinstance(value, Mapping):
            return tuple(sorted((repr(k), self.value(v)) for k, v in value.items()))
        if isinstance(value, (set, frozenset)):
            return tuple(sorted(repr(self.value(item)) for item in value))
        raise Unfingerprintable(type(value).__qualname__)

    def _items(self, values: Any) -> tuple[Any, ...]:
        """A sequence's fingerprints; the papers of a list page are mostly remembered already,
        so those are looked up directly (list pages hold hundreds of thousands of them)."""
        memo = self._memo
        parts = []
        for item in values:
            hit = memo.get(id(item))
            parts.append(hit[1] if hit is not None and hit[0] is item else self.value(item))
        return tuple(parts)

    def entry(self, article: Any) -> Any:
        """A paper article as a list shows it."""
        key = getattr(article, "entry_key", None)
        if isinstance(key, str):  # paper, day and topics, digested when they were read
            return ("entry", str(article.url), key)
        return ("entry", str(article.url), self.value(article.paper),
                self.value(article.listing_day), self.value(tuple(article.topics)))

    def page_article(self, article: Any) -> Any:
        """The article of a paper page: itself and its related lists as the page shows them."""
        if not is_entry(article):
            raise Unfingerprintable(type(article).__qualname__)
        more_on_topic = getattr(article, "more_on_topic", None)
        return (self.value(article),
                tuple(self.neighbour(other) for other in getattr(article, "more_from_day", ())),
                None if not more_on_topic else (self.value(more_on_topic[0]), tuple(
                    self.neighbour(other) for other in more_on_topic[1])))

    def neighbour(self, other: Any) -> Any:
        """A related article as the paper page links it (each is some six pages' neighbour)."""
        hit = self._neighbours.get(id(other))
        if hit is not None and hit[0] is other:
            return hit[1]
        paper = other.paper
        result = (str(other.url), str(getattr(other, "slug", "")), paper.id, paper.title,
                  paper.upvotes, other.listing_day.isoformat())
        self._neighbours[id(other)] = (other, result)
        return result
