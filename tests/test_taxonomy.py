"""The curated taxonomy: validation with located errors, matching rules, and the shipped file."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperarchive.model import Paper, Topic
from paperarchive.taxonomy import (
    TaxonomyError,
    explain_topics,
    load_taxonomy,
    parse_taxonomy,
    topics_for,
)

REPO_TAXONOMY = Path(__file__).resolve().parent.parent / "taxonomy.yaml"

SMALL = """
min_abstract_matches: 2
topics:
  - slug: robotics
    name: Robotics
    aliases: [robot, robots, humanoid]
  - slug: 3d
    name: 3D
    aliases: [3D, C++]
    patterns: ['gaussian splat(?:s|ting)']
  - slug: reinforcement-learning
    name: Reinforcement Learning
    aliases: [reinforcement learning, RL]
    min_abstract_matches: 1
"""


def paper(title="A title", abstract="Nothing to see.", keywords=()) -> Paper:
    return Paper(id="2606.00001", title=title, authors=("A",), abstract=abstract,
                 keywords=tuple(keywords))


def slugs(p: Paper, text: str = SMALL) -> list[str]:
    return [topic.slug for topic in topics_for(p, parse_taxonomy(text, "t.yaml"))]


@pytest.mark.parametrize(("p", "expected"), [
    (paper(title="Humanoid Control at Scale"), ["robotics"]),
    (paper(title="HUMANOID control"), ["robotics"]),  # case-insensitive
    (paper(title="Robotic arms"), []),  # whole words only: "robot" is not "robotic"
    (paper(title="Robots and 3D scenes"), ["robotics", "3d"]),  # taxonomy order
    (paper(title="A 3D world"), ["3d"]),
    (paper(title="13D vectors"), []),  # no match inside a longer token
    (paper(title="Fast C++ kernels"), ["3d"]),  # terms ending in symbols still work
    (paper(title="Gaussian Splatting"), ["3d"]),  # patterns
    (paper(keywords=["humanoid robot"]), ["robotics"]),  # keywords
    (paper(abstract="A robot appears once."), []),  # one abstract hit is not enough...
    (paper(abstract="A robot, then robots."), ["robotics"]),  # ...two are
    (paper(abstract="We use RL once."), ["reinforcement-learning"]),  # per-topic minimum
    (paper(abstract="CURL is not RL-free"), ["reinforcement-learning"]),
])
def test_topics_for(p, expected):
    assert slugs(p) == expected


def test_topics_are_model_topics():
    (topic,) = topics_for(paper(title="robots"), parse_taxonomy(SMALL, "t.yaml"))
    assert topic == Topic(slug="robotics", name="Robotics")


@pytest.mark.parametrize(("text", "located"), [
    ("topics: 3", "t.yaml: expected a mapping with a 'topics' list"),
    ("topics: [42]", "t.yaml: topic #1: expected a mapping"),
    ("topics:\n  - {slug: Bad Slug, name: X, aliases: [x]}", "t.yaml: topic Bad Slug (#1): slug: "),
    ("topics:\n  - {slug: a, name: '', aliases: [x]}", "t.yaml: topic a (#1): name: "),
    ("topics:\n  - {slug: a, name: A}", "t.yaml: topic a (#1): aliases: needs at least one"),
    ("topics:\n  - {slug: a, name: A, aliases: [x]}\n  - {slug: b, name: B, patterns: ['(']}",
     "t.yaml: topic b (#2): patterns[1]: invalid regular expression"),
    ("topics:\n  - {slug: a, name: A, patterns: ['x*']}",
     "t.yaml: topic a (#1): patterns[1]: 'x*' matches empty text"),
    ("topics:\n  - {slug: a, name: A, aliases: [x]}\n  - {slug: a, name: B, aliases: [y]}",
     "t.yaml: topic a (#2): slug: 'a' is already used by topic a (#1)"),
    ("topics:\n  - {slug: a, name: A, aliases: [x], colour: red}",
     "t.yaml: topic a (#1): unknown field(s) colour"),
    ("topics:\n  - {slug: a, name: A, aliases: [x, 3]}", "t.yaml: topic a (#1): aliases[2]: "),
    ("topics: [\n", "t.yaml: line "),
    ("topics:\n  - {slug: a, name: A, patterns: ['(?i)speech']}",
     "t.yaml: topic a (#1): patterns[1]: '(?i)speech': global inline flags such as (?i) are "
     "not allowed"),
    ("topics:\n  - {slug: a, name: A, patterns: ['(?x)a b']}",
     "t.yaml: topic a (#1): patterns[1]: '(?x)a b': global inline flags"),
    ("topics:\n  - {slug: a, name: A, aliases: [x], patterns: ['y', '(?:[a-z0-9]+-?)+\\.ai']}",
     "t.yaml: topic a (#1): patterns[2]: '(?:[a-z0-9]+-?)+\\\\.ai': a repeat of a repeat"),
    ("topics:\n  - {slug: a, name: A, patterns: ['(a*)*b']}",
     "t.yaml: topic a (#1): patterns[1]: '(a*)*b': a repeat of a repeat"),
    ("topics:\n  - {slug: a, name: A, patterns: ['(?:\\w+\\s?)+:']}",
     "t.yaml: topic a (#1): patterns[1]: "),
])
def test_invalid_taxonomies_name_file_entry_and_field(text, located):
    with pytest.raises(TaxonomyError) as error:
        parse_taxonomy(text, "t.yaml")
    assert str(error.value).startswith(located)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(TaxonomyError, match=r"missing\.yaml: cannot read"):
        load_taxonomy(tmp_path / "missing.yaml")


def test_shipped_taxonomy_is_valid_and_curated():
    taxonomy = load_taxonomy(REPO_TAXONOMY)
    assert 25 <= len(taxonomy.topics) <= 40
    names = {topic.name for topic in taxonomy.topics}
    for expected in ("Large Language Models", "Reinforcement Learning", "Diffusion Models",
                     "Computer Vision", "Multimodal", "Agents", "Robotics & Embodied AI"):
        assert expected in names


@pytest.mark.parametrize(("title", "expected"), [
    ("Qwen-VLA: Unifying Vision-Language-Action Modeling", "robotics"),
    ("GenClaw: Code-Driven Agentic Image Generation", "agents"),
    ("StereoWorld: Geometry-Aware Monocular-to-Stereo Video Generation", "video"),
    ("Decoupled Residual Denoising Diffusion Models", "diffusion-models"),
    ("Trust Region On-Policy Distillation", "efficiency"),
    ("OmniRetrieval: Unified Retrieval across Heterogeneous Knowledge Sources",
     "retrieval-and-rag"),
    ("AutoMedBench: Towards Medical AutoResearch with Agentic AI Models", "medical"),
])
def test_shipped_taxonomy_recognises_real_titles(title, expected):
    taxonomy = load_taxonomy(REPO_TAXONOMY)
    assert expected in {topic.slug for topic in topics_for(paper(title=title), taxonomy)}


def test_explain_topics_says_where_each_topic_matched():
    taxonomy = parse_taxonomy(SMALL, "t.yaml")
    p = paper(title="Humanoid control", keywords=["gaussian splatting"],
              abstract="We train with RL.")
    assert [(m.topic.slug, m.field, m.matched) for m in explain_topics(p, taxonomy)] == [
        ("robotics", "title", ("Humanoid",)),
        ("3d", "keyword", ("gaussian splatting",)),
        ("reinforcement-learning", "abstract", ("RL",)),
    ]
    assert [m.topic for m in explain_topics(p, taxonomy)] == list(topics_for(p, taxonomy))


def test_topics_command_counts_and_explains(capsys):
    from site_helpers import FIXTURE_ARCHIVE, FIXTURE_TAXONOMY

    from paperarchive.cli import main
    from paperarchive.listing_io import load_archive

    common = ["--listings", str(FIXTURE_ARCHIVE), "--taxonomy", str(FIXTURE_TAXONOMY)]
    assert main(["topics", *common]) == 0
    lines = capsys.readouterr().out.splitlines()
    counts = {line.split()[2]: int(line.split()[0]) for line in lines if "%  " in line}
    taxonomy = load_taxonomy(FIXTURE_TAXONOMY)
    papers = [p for listing in load_archive(FIXTURE_ARCHIVE) for p in listing.papers]
    for topic in taxonomy.topics:
        assert counts[topic.slug] == sum(topic in topics_for(p, taxonomy) for p in papers)
    assert counts["(no"] == sum(not topics_for(p, taxonomy) for p in papers) == 1
    assert main(["topics", *common, "2606.03102"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2606.03102  ")
    assert "  large-language-models: " in out
    assert main(["topics", *common, "9999.99999"]) == 1


@pytest.mark.parametrize("pattern", ["[0-9]+-bit", "(?:foo|bar)+s", "x{2,}y", "(?:ab{2})+",
                                     "(?:[0-9]+[KM]|million)[- ]token context"])
def test_patterns_that_cannot_backtrack_badly_are_accepted(pattern):
    text = f"topics:\n  - {{slug: a, name: A, patterns: ['{pattern}']}}"
    (rule,) = parse_taxonomy(text, "t.yaml").rules
    assert rule.patterns == (pattern,)

