"""The curated topic taxonomy: which `/tags/<slug>/` pages exist and which papers they hold.

Owns the taxonomy file format (`taxonomy.yaml` at the repository root), its validation, and the
pure matching `topics_for(paper, taxonomy)`. HF `ai_keywords` are free text (tens of thousands of
distinct strings), so topics are never made from raw keywords: each curated topic has a slug, a
display name, aliases (literal phrases) and patterns (regular expressions), matched
case-insensitively on word boundaries against a paper's keywords, title and abstract.

A topic matches when one of its terms appears in the title or a keyword, or appears at least
`min_abstract_matches` times in the abstract (a single passing mention in an abstract, such as
"we compare with reinforcement learning baselines", is not what the paper is about).

It leaves the `Topic` dataclass to `model`, writing topics into Markdown to `render`, and pages
to the `archive_pages` plugin.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import yaml

from paperarchive.model import SLUG_RE, Paper, Topic

DEFAULT_MIN_ABSTRACT_MATCHES = 2
TOPIC_FIELDS = ("slug", "name", "aliases", "patterns", "min_abstract_matches")


class TaxonomyError(ValueError):
    """An invalid taxonomy file, located by file, topic entry and field."""

    def __init__(self, message: str, *, source: str | None = None, entry: str | None = None,
                 field: str | None = None) -> None:
        self.message = message
        self.source = source
        self.entry = entry
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.entry and f"topic {self.entry}", self.field) if p]
        return ": ".join([*parts, self.message])


@dataclass(frozen=True)
class TopicRule:
    """One curated topic and the compiled expression that recognises it."""

    topic: Topic
    aliases: tuple[str, ...]
    patterns: tuple[str, ...]
    min_abstract_matches: int
    regex: re.Pattern[str]

    def matches(self, paper: Paper) -> bool:
        if self.regex.search(paper.title):
            return True
        if any(self.regex.search(keyword) for keyword in paper.keywords):
            return True
        hits = self.regex.finditer(paper.abstract)
        return next(islice(hits, self.min_abstract_matches - 1, None), None) is not None


@dataclass(frozen=True)
class Taxonomy:
    """The curated topics, in file order (the order papers list their topics in)."""

    rules: tuple[TopicRule, ...]

    @property
    def topics(self) -> tuple[Topic, ...]:
        return tuple(rule.topic for rule in self.rules)


def topics_for(paper: Paper, taxonomy: Taxonomy) -> tuple[Topic, ...]:
    """The paper's topics, in taxonomy order."""
    return tuple(rule.topic for rule in taxonomy.rules if rule.matches(paper))


@dataclass(frozen=True)
class TopicMatch:
    """Why a paper has a topic: where its terms matched ("title", "keyword" or "abstract")
    and the text they matched there."""

    topic: Topic
    field: str
    matched: tuple[str, ...]


def explain_topics(paper: Paper, taxonomy: Taxonomy) -> tuple[TopicMatch, ...]:
    """For each of the paper's topics (as `topics_for` gives them), the evidence for it."""
    found = []
    for rule in taxonomy.rules:
        if not rule.matches(paper):
            continue
        title = tuple(m.group() for m in rule.regex.finditer(paper.title))
        keywords = tuple(k for k in paper.keywords if rule.regex.search(k))
        if title:
            found.append(TopicMatch(rule.topic, "title", title))
        elif keywords:
            found.append(TopicMatch(rule.topic, "keyword", keywords))
        else:
            found.append(TopicMatch(rule.topic, "abstract",
                                    tuple(m.group() for m in rule.regex.finditer(paper.abstract))))
    return tuple(found)


def compile_terms(aliases: tuple[str, ...], patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive expression for a topic's aliases and patterns.

    Word boundaries are lookarounds rather than `\\b`, so terms that start or end with a
    non-word character ("C++", "3D", "GPT-4o") still match only as whole words.
    """
    alternatives = [re.escape(alias) for alias in aliases] + [f"(?:{p})" for p in patterns]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def parse_taxonomy(text: str, source: str) -> Taxonomy:
    """Parse and validate taxonomy YAML; every error names `source`, the entry and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise TaxonomyError(f"{where}invalid YAML: {getattr(exc, 'problem', exc)}",
                            source=source) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("topics"), list):
        raise TaxonomyError("expected a mapping with a 'topics' list", source=source)
    default_min = data.get("min_abstract_matches", DEFAULT_MIN_ABSTRACT_MATCHES)
    if isinstance(default_min, bool) or not isinstance(default_min, int) or default_min < 1:
        raise TaxonomyError("expected a whole number of 1 or more", source=source,
                            field="min_abstract_matches")
    rules: list[TopicRule] = []
    seen: dict[tuple[str, str], str] = {}
    for index, entry in enumerate(data["topics"], 1):
        try:
            rule = _parse_rule(entry, default_min)
        except TaxonomyError as exc:
            raise TaxonomyError(exc.message, source=source, entry=_entry_ref(entry, index),
                                field=exc.field) from None
        for field, key in (("slug", rule.topic.slug), ("name", rule.topic.name.casefold())):
            if (field, key) in seen:
                raise TaxonomyError(f"{key!r} is already used by topic {seen[field, key]}",
                                    source=source, entry=_entry_ref(entry, index), field=field)
            seen[field, key] = _entry_ref(entry, index)
        rules.append(rule)
    return Taxonomy(rules=tuple(rules))


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and validate a taxonomy file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"cannot read: {exc}", source=str(path)) from None
    return parse_taxonomy(text, str(path))


def _parse_rule(entry: Any, default_min: int) -> TopicRule:
    if not isinstance(entry, Mapping):
        raise TaxonomyError("expected a mapping with slug, name, aliases and patterns")
    unknown = sorted(str(key) for key in entry if key not in TOPIC_FIELDS)
    if unknown:
        raise TaxonomyError(f"unknown field(s) {', '.join(unknown)}; "
                            f"known fields: {', '.join(TOPIC_FIELDS)}")
    slug = entry.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise TaxonomyError("expected a lowercase-dash slug such as 'computer-vision'",
                            field="slug")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip() or name != " ".join(name.split()):
        raise TaxonomyError("expected a one-line display name", field="name")
    aliases = _strings(entry, "aliases")
    patterns = _strings(entry, "patterns")
    for position, pattern in enumerate(patterns, 1):
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise TaxonomyError(f"invalid regular expression {pattern!r}: {exc}",
                                field=f"patterns[{position}]") from None
        if compiled.match(""):
            raise TaxonomyError(f"{pattern!r} matches empty text, so it would match every paper",
                                field=f"patterns[{position}]")
    if not aliases and not patterns:
        raise TaxonomyError("needs at least one alias or pattern", field="aliases")
    min_matches = entry.get("min_abstract_matches", default_min)
    if isinstance(min_matches, bool) or not isinstance(min_matches, int) or min_matches < 1:
        raise TaxonomyError("expected a whole number of 1 or more", field="min_abstract_matches")
    return TopicRule(
        topic=Topic(slug=slug, name=name),
        aliases=aliases,
        patterns=patterns,
        min_abstract_matches=min_matches,
        regex=compile_terms(aliases, patterns),
    )


def _strings(entry: Mapping[str, Any], field: str) -> tuple[str, ...]:
    value = entry.get(field)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TaxonomyError("expected a list of text", field=field)
    for position, item in enumerate(value, 1):
        if not isinstance(item, str) or not item.strip():
            raise TaxonomyError("expected non-empty text", field=f"{field}[{position}]")
    return tuple(item.strip() for item in value)


def _entry_ref(entry: Any, index: int) -> str:
    slug = entry.get("slug") if isinstance(entry, Mapping) else None
    return f"{slug} (#{index})" if isinstance(slug, str) and len(slug) < 100 else f"#{index}"
