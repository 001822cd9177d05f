"""The curated topic taxonomy: which `/tags/<slug>/` pages exist and which papers they hold.

Owns the taxonomy file format (`taxonomy.yaml` at the repository root), its validation, and the
pure matching `topics_for(paper, taxonomy)`. HF `ai_keywords` are free text (tens of thousands of
distinct strings), so topics are never made from raw keywords: each curated topic has a slug, a
display name, aliases (literal phrases) and patterns (regular expressions), matched
case-insensitively on word boundaries against a paper's keywords, title and abstract.

A topic matches when one of its terms appears in the title or a keyword, or appears at least
`min_abstract_matches` times in the abstract (a single passing mention in an abstract, such as
"we compare with reinforcement learning baselines", is not what the paper is about).

Matching is the hot loop of rendering, so each topic also carries a `TopicGate`: whole words
and literal text that any match of its terms must contain. A paper's fields are split into
words once, and a topic's expression only runs on a field that passes its gate. A gate only
rules out fields where no term can match, so the topics are exactly those of running every
expression on every field (`TopicRule.matches`, the plain definition the tests compare with).

It leaves the `Topic` dataclass to `model`, writing topics into Markdown to `render`, and pages
to the `archive_pages` plugin.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import yaml

from paperarchive.model import SLUG_RE, Paper, Topic

try:  # the stdlib's own regex parser tells which literals every match of a pattern contains
    from re import _parser as _re_parser  # type: ignore[attr-defined]
except ImportError:  # a private module: a Python without it matches every topic ungated
    _re_parser = None

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


# The only non-ASCII characters that a case-insensitive `re` equates with an ASCII character
# (dotted and dotless i, long s, Kelvin sign), mapped to that character before lowercasing.
ASCII_LOOKALIKES = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lowercase `text` so that any stretch a case-insensitive expression equates with an ASCII
    literal becomes exactly that literal in lowercase, one character for one."""
    if not text.isascii():
        text = text.translate(ASCII_LOOKALIKES)
    return text.lower()


def _words(texts: tuple[str, ...]) -> frozenset[str]:
    """The folded whole words of `texts` (ASCII text folds the same whole or word by word)."""
    return frozenset(word for text in texts
                     for word in (_WORD.findall(text.lower()) if text.isascii()
                                  else map(fold, _WORD.findall(text))))


@dataclass(frozen=True)
class TopicGate:
    """What any match of a topic's terms contains, folded. A match of an alias contains all the
    alias's words as whole words; `aliases` files those word sets under the rarest of their
    words. A match of a pattern contains a text from each set of one `patterns` entry."""

    aliases: Mapping[str, tuple[frozenset[str], ...]]
    patterns: tuple[tuple[frozenset[str], ...], ...]
    keys: frozenset[str]  # the keys of `aliases`


class _Field:
    """One field of a paper (title, keywords or abstract), split into folded words once."""

    __slots__ = ("_folded", "texts", "words")

    def __init__(self, texts: tuple[str, ...]) -> None:
        self.texts = texts
        self.words = _words(texts)
        self._folded: str | None = None

    def may_match(self, gate: TopicGate | None) -> bool:
        """False only when no term of the gate's topic can match in this field."""
        if gate is None:
            return True
        words = self.words
        for key in gate.keys & words:
            if any(needed <= words for needed in gate.aliases[key]):
                return True
        if not gate.patterns:
            return False
        if self._folded is None:
            self._folded = "\n".join(fold(text) for text in self.texts)
        folded = self._folded
        return any(all(any(text in folded for text in options) for options in required)
                   for required in gate.patterns)


@dataclass(frozen=True)
class TopicRule:
    """One curated topic and the compiled expression that recognises it."""

    topic: Topic
    aliases: tuple[str, ...]
    patterns: tuple[str, ...]
    min_abstract_matches: int
    regex: re.Pattern[str]
    # Derived from the terms (so left out of comparisons); None: the expression always runs.
    gate: TopicGate | None = dataclasses.field(default=None, compare=False, repr=False)

    def matches(self, paper: Paper) -> bool:
        """Whether the paper has this topic (the plain definition; `topics_for` is faster)."""
        if self.regex.search(paper.title):
            return True
        if any(self.regex.search(keyword) for keyword in paper.keywords):
            return True
        hits = self.regex.finditer(paper.abstract)
        return next(islice(hits, self.min_abstract_matches - 1, None), None) is not None

    def _matches_fields(self, title: _Field, keywords: _Field, abstract: _Field) -> bool:
        """`matches`, running the expression only on fields that pass the gate."""
        if title.may_match(self.gate) and self.regex.search(title.texts[0]):
            return True
        if keywords.may_match(self.gate) and any(self.regex.search(k) for k in keywords.texts):
            return True
        if not abstract.may_match(self.gate):
            return False
        hits = self.regex.finditer(abstract.texts[0])
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
    return tuple(rule.topic for rule in _matching_rules(paper, taxonomy))


def _matching_rules(paper: Paper, taxonomy: Taxonomy) -> Iterator[TopicRule]:
    fields = (_Field((paper.title,)), _Field(paper.keywords), _Field((paper.abstract,)))
    return (rule for rule in taxonomy.rules if rule._matches_fields(*fields))


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
    for rule in _matching_rules(paper, taxonomy):
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


def topic_gate(aliases: tuple[str, ...], patterns: tuple[str, ...],
               word_counts: Mapping[str, int] | None = None) -> TopicGate | None:
    """The gate for a topic's terms, or None when some term has nothing a match must contain.

    An alias matches only as whole words, so each run of word characters in it is a whole word
    of the text; its ASCII runs are its gate words, filed under the one fewest aliases share
    per character (by `word_counts`, over the whole taxonomy). A pattern's gate is the runs of
    ASCII literal characters every match of it contains (see `_required_literals`).
    """
    counts = word_counts or {}
    by_key: dict[str, list[frozenset[str]]] = {}
    for alias in aliases:
        runs = {run.lower() for run in _WORD.findall(alias) if run.isascii()}
        if not runs:
            return None
        key = min(sorted(runs), key=lambda run: counts.get(run, 0) / len(run))
        by_key.setdefault(key, []).append(frozenset(runs))
    required = []
    if patterns and _re_parser is None:
        return None
    for pattern in patterns:
        try:
            parsed = _re_parser.parse(pattern, re.IGNORECASE)
        except re.error:  # already compiled once, so not expected; no gate is always safe
            return None
        literals = _required_literals(parsed)
        if not literals:
            return None
        required.append(tuple(literals))
    return TopicGate(aliases={key: tuple(sets) for key, sets in by_key.items()},
                     patterns=tuple(required), keys=frozenset(by_key))


def _alias_word_counts(rules: list[TopicRule]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for rule in rules:
        for alias in rule.aliases:
            for run in {run.lower() for run in _WORD.findall(alias)}:
                counts[run] = counts.get(run, 0) + 1
    return counts


def _required_literals(items: Any) -> list[frozenset[str]]:
    """Sets of folded ASCII texts such that every match of the parsed sequence `items` contains
    a text of each set: its runs of literal characters, and its alternations whose every branch
    has such a set (the branch's set with the longest shortest text stands for it)."""
    required: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in [*_sequence(items), (None, None)]:
        if op is _re_parser.LITERAL and arg < 128:
            run.append(chr(arg).lower())
            continue
        if run:
            required.append(frozenset({"".join(run)}))
            run = []
        if op is _re_parser.BRANCH:
            branches = [_required_literals(branch) for branch in arg[1]]
            if all(branches):
                required.append(frozenset().union(*(_best(b) for b in branches)))
    return required


def _best(required: list[frozenset[str]]) -> frozenset[str]:
    return max(required, key=lambda options: min(map(len, options)))


def _sequence(items: Any) -> Iterator[tuple[Any, Any]]:
    """The items of a parsed sequence, with groups opened in place (each runs exactly once)."""
    for op, arg in items:
        if op is _re_parser.SUBPATTERN:
            yield from _sequence(arg[-1])
        else:
            yield op, arg


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
    counts = _alias_word_counts(rules)
    return Taxonomy(rules=tuple(dataclasses.replace(rule, gate=topic_gate(rule.aliases,
                                                                          rule.patterns, counts))
                                for rule in rules))


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
        problem = pattern_problem(pattern)
        if problem:
            raise TaxonomyError(f"{pattern!r}: {problem}", field=f"patterns[{position}]")
    if not aliases and not patterns:
        raise TaxonomyError("needs at least one alias or pattern", field="aliases")
    min_matches = entry.get("min_abstract_matches", default_min)
    if isinstance(min_matches, bool) or not isinstance(min_matches, int) or min_matches < 1:
        raise TaxonomyError("expected a whole number of 1 or more", field="min_abstract_matches")
    try:  # the expression as matching runs it: all terms in one, inside word boundaries
        regex = compile_terms(aliases, patterns)
    except re.error as exc:
        raise TaxonomyError(f"the topic's terms do not combine into one expression: {exc}",
                            field="patterns") from None
    return TopicRule(
        topic=Topic(slug=slug, name=name),
        aliases=aliases,
        patterns=patterns,
        min_abstract_matches=min_matches,
        regex=regex,
    )


# A global inline flag group: `(?i)`, `(?x)`... at the start (anywhere else `re` refuses it).
_GLOBAL_FLAGS_RE = re.compile(r"\(\?[aiLmsux]+\)")


def pattern_problem(pattern: str) -> str | None:
    """Why a (compilable) pattern cannot be a topic term, or None.

    Refused: global inline flags (every term is already matched case-insensitively, and `(?i)`
    is an error once the terms are combined; scoped ones such as `(?-i:...)` are fine), and a
    repeat of something
    that can itself match the same text in more than one way (`(a+)+`, `(\\w|-)*`), which
    backtracks exponentially on a near-miss: one long URL in an abstract would hold a build
    for minutes.
    """
    if _GLOBAL_FLAGS_RE.match(pattern):
        return ("global inline flags such as (?i) are not allowed: every term is already "
                "case-insensitive (a scoped group such as (?-i:...) is fine)")
    if _re_parser is None:
        return None
    parsed = _re_parser.parse(pattern, re.IGNORECASE)
    if _ambiguous_repeat(parsed, inside_repeat=False):
        return ("a repeat of a repeat, or of alternatives that can match the same text, "
                "backtracks exponentially on text that almost matches; write it without the "
                "nesting (e.g. '[a-z0-9-]+' rather than '(?:[a-z0-9]+-?)+')")
    return None


def _children(op: Any, arg: Any) -> list[Any]:
    """The parsed sub-sequences of one item (other than a group's body)."""
    if op in (_re_parser.MAX_REPEAT, _re_parser.MIN_REPEAT, _re_parser.POSSESSIVE_REPEAT):
        return [arg[2]]
    if op is _re_parser.BRANCH:
        return list(arg[1])
    if op in (_re_parser.ASSERT, _re_parser.ASSERT_NOT):
        return [arg[1]]
    if op is _re_parser.GROUPREF_EXISTS:
        return [branch for branch in arg[1:] if branch is not None]
    if op is _re_parser.ATOMIC_GROUP:
        return [arg]
    return []


def _ambiguous_repeat(items: Any, *, inside_repeat: bool) -> bool:
    """Whether a repeat (of more than one) holds another such repeat, or alternatives whose
    first characters overlap."""
    for op, arg in items:
        if op is _re_parser.SUBPATTERN:
            if _ambiguous_repeat(arg[-1], inside_repeat=inside_repeat):
                return True
            continue
        if op in (_re_parser.MAX_REPEAT, _re_parser.MIN_REPEAT):
            low, high, body = arg
            many = high is _re_parser.MAXREPEAT or high > 1
            if inside_repeat and (high is _re_parser.MAXREPEAT or high > low):
                return True  # a variable-length repeat inside a repeat
            if many and _overlapping_branches(body):
                return True
            if _ambiguous_repeat(body, inside_repeat=inside_repeat or many):
                return True
            continue
        for child in _children(op, arg):
            if _ambiguous_repeat(child, inside_repeat=inside_repeat):
                return True
    return False


def _overlapping_branches(items: Any) -> bool:
    """Whether the first alternation of `items` (groups opened) has two branches that can
    start with the same character (None in a set stands for 'any character')."""
    for op, arg in _sequence(items):
        if op is _re_parser.BRANCH:
            seen: set[Any] = set()
            for branch in arg[1]:
                first = _first_chars(branch)
                if None in first or None in seen or seen & first:
                    return True
                seen |= first
            return False
        return False  # the first item is not an alternation
    return False


def _first_chars(items: Any) -> set[Any]:
    """The characters (folded) a match of `items` can start with; {None}: any, or unknown."""
    for op, arg in _sequence(items):
        if op is _re_parser.LITERAL:
            return {chr(arg).lower()}
        if op is _re_parser.IN:
            chars: set[Any] = set()
            for sub_op, sub_arg in arg:
                if sub_op is _re_parser.LITERAL:
                    chars.add(chr(sub_arg).lower())
                elif sub_op is _re_parser.RANGE and sub_arg[1] - sub_arg[0] < 256:
                    chars.update(chr(c).lower() for c in range(sub_arg[0], sub_arg[1] + 1))
                else:
                    return {None}
            return chars
        return {None}
    return {None}


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
