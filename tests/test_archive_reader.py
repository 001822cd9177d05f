"""The fast reader gives exactly what Pelican's Markdown reader gives, for every generated file.

Compared on real papers (the fixture archive and the sample archive), synthetic ones, hostile
text, and generated text from Hypothesis; files not in the generated form must fall back to
Python-Markdown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from archive_reader.archive_reader import PaperReader, parse_generated
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_TAXONOMY, REPO

from paperarchive.listing_io import load_archive
from paperarchive.model import Paper
from paperarchive.render import render_paper
from paperarchive.synthetic import SyntheticSpec, default_vocabulary, generate_listings
from paperarchive.taxonomy import load_taxonomy, topics_for

TAXONOMY = load_taxonomy(FIXTURE_TAXONOMY)
REAL = [(listing.date, paper) for root in (FIXTURE_ARCHIVE, REPO / "content" / "listings")
        for listing in load_archive(root) for paper in listing.papers]
SYNTHETIC = [(listing.date, paper) for listing in
             generate_listings(SyntheticSpec(papers=60, seed=5), default_vocabulary())
             for paper in listing.papers]
HOSTILE_TEXT = [
    "# Not a heading", "- not a bullet", "+ plus", "* star", "1986. Not a list item",
    "> not a quote", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "<https://example.com/autolink>", "[a link](javascript:alert(1))", "![i](x.png)",
    "*stars* and _underscores_ and **bold** and __bold__", "`code` and ``more code``",
    "a \\ backslash and \\* an escaped star and \\\\ two", "&amp; an entity and &copy; &#169;",
    "text {: onclick=alert(1)}", "---", "***", "___", "===", "x_i + y_j = $z_k$",
    "3 < 4 > 2 & so on", "Title: not metadata", "line one\n\nline two", "trailing  ",
    "    indented", "tab\there", "a\u2028separator", "emoji 🧪 and ünïcödé", "<!-- comment -->",
    "http://example.com/bare", "1) not a list", "#hashtag", "-1 degrees", "2024. A year",
]


def pelican_settings() -> dict:
    config = dict(DEFAULT_CONFIG)
    config["MARKDOWN"] = {"extensions": ["markdown.extensions.meta"], "extension_configs": {},
                          "output_format": "html5"}
    config["FORMATTED_FIELDS"] = []
    config["TIMEZONE"] = "UTC"
    return config


def read_both(path: Path) -> tuple[tuple, tuple]:
    config = pelican_settings()
    return PaperReader(config).read(str(path)), MarkdownReader(config).read(str(path))


def hostile_paper(text: str) -> Paper:
    return Paper.from_mapping({"id": "2606.00001", "title": text, "authors": [text, "A B"],
                               "abstract": text + "\n\n" + text, "keywords": [text]})


@pytest.mark.parametrize(("day", "paper"), REAL + SYNTHETIC,
                         ids=[paper.id for _day, paper in REAL + SYNTHETIC])
def test_generated_articles_read_fast_and_the_same(tmp_path, day, paper):
    path = tmp_path / "paper.md"
    path.write_text(render_paper(paper, day, topics_for(paper, TAXONOMY)), encoding="utf-8")
    assert parse_generated(path.read_text(encoding="utf-8")) is not None  # the fast path
    fast, markdown = read_both(path)
    assert fast == markdown


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_papers_read_the_same(tmp_path, text):
    try:
        paper = hostile_paper(text)
    except ValueError:
        pytest.skip("the model refuses this text")
    path = tmp_path / "paper.md"
    path.write_text(render_paper(paper, dt.date(2026, 6, 1)), encoding="utf-8")
    fast, markdown = read_both(path)
    assert fast == markdown


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80))
def test_any_text_reads_the_same(tmp_path_factory, text):
    try:
        paper = hostile_paper(text)
    except ValueError:
        return
    path = tmp_path_factory.mktemp("h") / "paper.md"
    path.write_text(render_paper(paper, dt.date(2026, 6, 1)), encoding="utf-8")
    fast, markdown = read_both(path)
    assert fast == markdown


@pytest.mark.parametrize("text", [
    "Title: About\n\nSome *real* Markdown with [a link](https://example.com).\n",
    "Title: Notes\nSlug: notes\n\n# A heading\n\n- a list\n- of items\n",
    "No metadata at all, *emphasis*.\n",
    "Title: x\nPaper-Id: 1\n\n    a code block\n",
])
def test_other_markdown_goes_to_python_markdown(tmp_path, text):
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    fast, markdown = read_both(path)
    assert fast == markdown
    assert "<" in markdown[0]


@pytest.mark.parametrize("source", ["papers/2026/01/02/2601.00001.md", "../elsewhere/a.md",
                                    "papers/./x/../2601.00002.md", "/content/papers/b.md",
                                    "/elsewhere/c.md", "/content//papers/./d.md", "",
                                    "/content", "/contents/e.md", "/content/f/"])
@pytest.mark.parametrize("base", ["/content", "/content/", "content"])
def test_remembered_relative_source_paths_equal_pelicans(base, source, monkeypatch):
    from archive_reader import archive_reader
    from pelican.contents import Content
    from pelican_compat import PELICAN_RELATIVE_SOURCE_PATH

    monkeypatch.setattr(Content, "get_relative_source_path",
                        archive_reader._get_relative_source_path)
    settings = {**DEFAULT_CONFIG, "PATH": base}
    content = Content("", {"title": "t"}, settings=settings, source_path=source or None)
    for _ in range(2):  # the second answer comes from the memo
        assert content.get_relative_source_path(source) == \
            PELICAN_RELATIVE_SOURCE_PATH(content, source)
    assert content.get_relative_source_path() == \
        PELICAN_RELATIVE_SOURCE_PATH(content)
