"""Listing -> Markdown: escaping, the header format, golden files, and the file edge."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import markdown
import pytest
from archive_pages.archive import entry_from_metadata
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_TAXONOMY

from paperarchive.listing_io import load_archive
from paperarchive.model import Listing, Paper, Topic
from paperarchive.render import escape_markdown, paper_path, render_archive, render_paper
from paperarchive.taxonomy import load_taxonomy, topics_for

GOLDEN = Path(__file__).parent / "golden" / "render"
LISTINGS = load_archive(FIXTURE_ARCHIVE)
PAPERS = {paper.id: (listing.date, paper) for listing in LISTINGS for paper in listing.papers}
TAXONOMY = load_taxonomy(FIXTURE_TAXONOMY)


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=["markdown.extensions.meta"])


@pytest.mark.parametrize("text", [
    "# Not a heading",
    "## Two hashes",
    "- not a bullet",
    "+ not a bullet",
    "* not a bullet",
    "1986. Not a list item",
    "> not a quote",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<https://example.com/autolink>",
    "[a link](javascript:alert(1))",
    "![an image](https://example.com/x.png)",
    "*stars* and _underscores_ and **bold** and __bold__",
    "`code` and ``more code``",
    "a \\ backslash and \\* an escaped star",
    "&amp; an entity and &copy; another",
    "text {: onclick=alert(1)}",
    "---",
    "***",
    "x_i + y_j = $z_k$",
    "3 < 4 > 2 & so on",
])
def test_escaped_markdown_renders_back_to_the_literal_text(text):
    rendered = to_html(escape_markdown(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    inner = rendered.removeprefix("<p>").removesuffix("</p>")
    assert "<" not in inner.replace("&lt;", "")
    import html

    assert html.unescape(inner) == text


def test_escaping_leaves_ordinary_text_readable():
    text = "We propose a 3.5x faster method (see Sec. 4) - state-of-the-art on 12 benchmarks!"
    assert escape_markdown(text) == text


@pytest.mark.parametrize("paper_id", [
    "2512.08829",  # organisation, GitHub with stars, project page, AI summary, keywords
    "2606.09999",  # hostile markup in every field
    "robot-learning-with-sparsity-and-scarcity",  # no arXiv id, author count only
])
def test_golden_markdown(paper_id, update_golden):
    day, paper = PAPERS[paper_id]
    text = render_paper(paper, day, topics_for(paper, TAXONOMY))
    golden = GOLDEN / f"{paper_id}.md"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "run `make golden` and review the diff"


@pytest.mark.parametrize("paper_id", sorted(PAPERS))
def test_metadata_round_trips_to_the_same_paper(paper_id):
    """What Pelican reads from the Markdown header rebuilds exactly the listed paper."""
    day, paper = PAPERS[paper_id]
    topics = topics_for(paper, TAXONOMY)
    md = markdown.Markdown(extensions=["markdown.extensions.meta"])
    md.convert(render_paper(paper, day, topics))
    # Pelican lowercases keys and passes a key seen once as a string.
    metadata = {key: values[0] if len(values) == 1 else values for key, values in md.Meta.items()}
    assert entry_from_metadata(metadata, "x.md") == (paper, day, topics)


def test_render_is_deterministic_and_topics_are_listed():
    day, paper = PAPERS["2606.09999"]
    topics = (Topic("a-topic", "A Topic"), Topic("b", "B & C"))
    first, second = render_paper(paper, day, topics), render_paper(paper, day, topics)
    assert first == second
    assert "Topic: a-topic A Topic\nTopic: b B & C\n" in first


def test_paper_path_is_by_day():
    assert paper_path(Path("root"), dt.date(2026, 6, 3), "2606.01249") == Path(
        "root/2026/06/03/2606.01249.md")


def _listing(day: str, *ids: str) -> Listing:
    return Listing(date=dt.date.fromisoformat(day), papers=tuple(
        Paper(id=paper_id, title=f"Paper {paper_id}", authors=("A",), abstract="Text.")
        for paper_id in ids))


def test_render_archive_writes_only_changes_and_removes_stale_files(tmp_path):
    root = tmp_path / "papers"
    report = render_archive([_listing("2026-06-03", "2606.00001", "2606.00002")], root, TAXONOMY)
    assert (report.papers, report.written, report.removed) == (2, 2, 0)
    first = root / "2026/06/03/2606.00001.md"
    stamp = first.stat().st_mtime_ns

    report = render_archive([_listing("2026-06-03", "2606.00001", "2606.00002")], root, TAXONOMY)
    assert (report.written, report.removed) == (0, 0)
    assert first.stat().st_mtime_ns == stamp

    report = render_archive([_listing("2026-06-04", "2606.00001")], root, TAXONOMY)
    assert (report.papers, report.written, report.removed) == (1, 1, 2)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        "2026", "2026/06", "2026/06/04", "2026/06/04/2606.00001.md"]


def test_a_paper_listed_on_two_days_is_kept_on_its_first(tmp_path, caplog):
    root = tmp_path / "papers"
    report = render_archive([_listing("2026-06-04", "2606.00001"),
                             _listing("2026-06-03", "2606.00001")], root, TAXONOMY)
    assert (report.papers, report.duplicates) == (1, 1)
    assert [p.relative_to(root).as_posix() for p in root.rglob("*.md")] == [
        "2026/06/03/2606.00001.md"]
    assert "2606.00001" in caplog.text


def test_render_command_writes_articles_and_reports_bad_listings(tmp_path, capsys):
    from paperarchive.cli import main

    papers = tmp_path / "papers"
    assert main(["render", "--listings", str(FIXTURE_ARCHIVE), "--papers", str(papers),
                 "--taxonomy", str(FIXTURE_TAXONOMY)]) == 0
    assert len(list(papers.rglob("*.md"))) == len(PAPERS)

    bad = tmp_path / "bad" / "2026"
    bad.mkdir(parents=True)
    (bad / "2026-06-03.yaml").write_text("date: 2026-06-03\npapers:\n  - id: x\n",
                                         encoding="utf-8")
    assert main(["render", "--listings", str(tmp_path / "bad"), "--papers", str(papers),
                 "--taxonomy", str(FIXTURE_TAXONOMY)]) == 1
    assert "2026-06-03.yaml" in capsys.readouterr().err
    assert len(list(papers.rglob("*.md"))) == len(PAPERS)  # nothing removed on error
