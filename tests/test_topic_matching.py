"""Fast topic matching gives exactly the topics of the plain definition: every topic's
expression run on the title, each keyword and the abstract, on real, synthetic and hostile papers.

The sample archive's papers (content/listings) all come from the HF days and the copied page
under tests/data, so those are read here instead.
"""

from __future__ import annotations

import re
import sys
from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from site_helpers import DATA, FIXTURE_TAXONOMY, REPO

from paperarchive.importers import ImportOptions, read_input
from paperarchive.listing_io import load_archive
from paperarchive.model import Paper
from paperarchive.synthetic import SyntheticSpec, generate_listings
from paperarchive.taxonomy import (
    ASCII_LOOKALIKES,
    Taxonomy,
    explain_topics,
    fold,
    load_taxonomy,
    parse_taxonomy,
    topics_for,
)

SHIPPED = load_taxonomy(REPO / "taxonomy.yaml")

# Terms that stress the gates: non-ASCII and symbol-only aliases, anchors, lookarounds,
# alternations, inline flags, classes, and terms that differ only in lookalike characters.
TRICKY = parse_taxonomy(r"""
min_abstract_matches: 2
topics:
  - {slug: symbols, name: Symbols, aliases: [C++, "++", "3D", GPT-4o, "x"]}
  - {slug: accents, name: Accents, aliases: [café, naïve bayes, "σοφία", "straße"]}
  - {slug: lookalikes, name: Lookalikes, aliases: [kelvin, sift, image], min_abstract_matches: 1}
  - slug: anchored
    name: Anchored
    patterns: ['^Deep', 'nets$', '\bRL\b', '(?<=pre-)train', '(?<!un)safe', 'A(?=B)']
  - slug: branches
    name: Branches
    patterns: ['(?:alpha|beta|g(?:amm|ol)a) rays?', '(?-i:CamelCase)', '[Ff]oo[-_ ]?bar',
               '(?i:x)+yz', '(?:a|bc)?d{2,}', 'q(?:u)?(?P<x>ee)n']
  - {slug: long-words, name: Long Words, aliases: [reinforcement learning, RL], patterns: [
      '(\w+)-\1'], min_abstract_matches: 3}
""", "tricky.yaml")

LOOKALIKE_TEXTS = (
    "C++ and c++ and C+++", "3d 3D 3Ds x3D 3D-printed", "gpt-4O GPT-4o-mini", "X x-ray",
    "CAFÉ Café cafe naïve  bayes NAÏVE BAYES", "ΣΟΦΊΑ σοφία ΣΟΦΙΑ", "STRASSE straße STRAẞE",
    "\u212aelvin", "KELVIN \u212a", "\u017fift", "SIFT", "\u0130mage", "\u0131mage", "imagE",
    "pre-\u0131mage \u017fift-\u212aelvin",
    "Deep nets", "deep NETS and more", "pre-train untrain unsafe safe AB Ab ab",
    "Alpha Ray GOLA rays gamma-rays", "camelcase CamelCase", "foo_bar FOO BAR Foobar",
    "XXyz xyz", "ddd add bcdd", "queen qeen QUEEN", "rl RL-free CURL RL\u0301 éRL RLé",
    "reinforcement\nlearning reinforcement learning", "well-well done-done", "ＲＬ ＲＬ",
    "\u200bRL\u200b RL\u00a0RL", "RL_ _RL 1RL RL1", "",
)


def reference_topics(paper: Paper, taxonomy: Taxonomy) -> list[str]:
    """The plain definition: each topic's terms as one case-insensitive whole-word expression,
    searched in the title and each keyword, counted in the abstract."""
    found = []
    for rule in taxonomy.rules:
        terms = [re.escape(alias) for alias in rule.aliases] + [f"(?:{p})" for p in rule.patterns]
        regex = re.compile(r"(?<!\w)(?:" + "|".join(terms) + r")(?!\w)", re.IGNORECASE)
        hits = islice(regex.finditer(paper.abstract), rule.min_abstract_matches)
        if (regex.search(paper.title) or any(regex.search(k) for k in paper.keywords)
                or len(list(hits)) >= rule.min_abstract_matches):
            found.append(rule.topic.slug)
    return found


def assert_same_topics(papers: list[Paper], taxonomy: Taxonomy) -> None:
    for paper in papers:
        expected = reference_topics(paper, taxonomy)
        assert [topic.slug for topic in topics_for(paper, taxonomy)] == expected, paper.id
        assert [match.topic.slug for match in explain_topics(paper, taxonomy)] == expected


def sample_papers() -> list[Paper]:
    papers = [p for folder in ("site_archive", "hostile_archive")
              for listing in load_archive(DATA / folder) for p in listing.papers]
    inputs = [*sorted((DATA / "hf").glob("*.json")), *sorted((DATA / "page").glob("*.txt"))]
    for path in inputs:
        _, listings = read_input(path, ImportOptions(page_year=2026))
        papers.extend(p for listing in listings for p in listing.papers)
    return papers


def paper(title: str = "", abstract: str = "", keywords: tuple[str, ...] = ()) -> Paper:
    return Paper(id="2606.00001", title=title, authors=("A",), abstract=abstract,
                 keywords=keywords)


def test_sample_papers_get_the_reference_topics():
    papers = sample_papers()
    assert len(papers) > 300
    assert sum(bool(reference_topics(p, SHIPPED)) for p in papers) > len(papers) * 3 // 4
    assert_same_topics(papers, SHIPPED)
    assert_same_topics(papers, load_taxonomy(FIXTURE_TAXONOMY))
    assert_same_topics(papers, TRICKY)


def test_synthetic_papers_get_the_reference_topics():
    papers = [p for listing in generate_listings(SyntheticSpec(papers=3000, seed=7))
              for p in listing.papers]
    assert len(papers) == 3000
    assert_same_topics(papers, SHIPPED)


@pytest.mark.parametrize("text", LOOKALIKE_TEXTS)
def test_lookalike_and_boundary_text_gets_the_reference_topics(text):
    variants = [paper(title=text), paper(keywords=(text, "x")), paper(abstract=text),
                paper(abstract=f"{text} {text}"), paper(abstract=f"{text}. {text}. {text}")]
    for taxonomy in (SHIPPED, TRICKY):
        assert_same_topics(variants, taxonomy)


TERM_PIECES = sorted({a for t in (SHIPPED, TRICKY) for rule in t.rules for a in rule.aliases}
                     | {"-RL", "Bench", "-bit", "MedX", "4K", "\u0131", "\u0130", "\u017f",
                        "\u212a", "\u0301", "\u200b", "é", "ß", "_", "-", " ", "\n", "."})
pieces = st.one_of(st.sampled_from(TERM_PIECES), st.text(max_size=4),
                   st.sampled_from(TERM_PIECES).map(str.upper),
                   st.sampled_from(TERM_PIECES).map(str.swapcase))
hostile_strings = st.lists(pieces, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(title=hostile_strings, abstract=hostile_strings, keywords=st.lists(hostile_strings,
                                                                           max_size=3))
def test_hostile_strings_get_the_reference_topics(title, abstract, keywords):
    p = paper(title=title, abstract=abstract, keywords=tuple(keywords))
    for taxonomy in (SHIPPED, TRICKY):
        assert_same_topics([p], taxonomy)


def test_only_the_mapped_lookalikes_equal_ascii_characters_case_insensitively():
    """The gates fold text with ASCII_LOOKALIKES and lower(); that is sound only if no other
    non-ASCII character matches an ASCII character under re.IGNORECASE."""
    others = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    equal_to_ascii = set(re.compile("[\x00-\x7f]", re.IGNORECASE).findall(others))
    assert equal_to_ascii == {chr(c) for c in ASCII_LOOKALIKES}
    for char in equal_to_ascii:
        assert len(fold(char)) == 1 and fold(char).isascii()
        assert re.fullmatch(re.escape(fold(char)), char, re.IGNORECASE)


def test_patterns_go_ungated_without_the_stdlib_regex_parser(monkeypatch):
    # re._parser is private; a Python without it must still match, only without the pre-check.
    from paperarchive import taxonomy as taxonomy_module

    assert taxonomy_module.topic_gate((), (r"diffusion\s+models?",)) is not None
    monkeypatch.setattr(taxonomy_module, "_re_parser", None)
    assert taxonomy_module.topic_gate((), (r"diffusion\s+models?",)) is None
    assert taxonomy_module.topic_gate(("diffusion model",), ()) is not None
