"""The HF Daily Papers API importer against the 12 real days in tests/data/hf/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from paperarchive.importers import ImportOptions, read_input
from paperarchive.importers.hf_api import parse_hf_json
from paperarchive.model import Organization

HF_DIR = Path(__file__).parent / "data" / "hf"
HF_FILES = sorted(HF_DIR.glob("*.json"))


def import_file(name: str, **options) -> dict[str, tuple[dt.date, object]]:
    """Every paper of one real file, by id, with its listing day."""
    _, listings = read_input(HF_DIR / name, ImportOptions(**options))
    return {paper.id: (listing.date, paper) for listing in listings for paper in listing.papers}


def test_all_twelve_days_are_present():
    assert len(HF_FILES) == 12


@pytest.mark.parametrize("path", HF_FILES, ids=lambda p: p.stem)
def test_every_schema_era_imports_every_paper(path):
    entries = json.loads(path.read_text(encoding="utf-8"))
    fmt, listings = read_input(path, ImportOptions())
    assert fmt == "hf-json"
    assert [listing.date.isoformat() for listing in listings] == [path.stem]
    assert [p.id for p in listings[0].papers] == [e["paper"]["id"] for e in entries]


def test_total_paper_count_matches_the_inputs():
    total = sum(len(read_input(p, ImportOptions())[1][0].papers) for p in HF_FILES)
    assert total == 283  # counted from the 12 arrays: 13+16+7+12+14+50+39+14+35+45+23+15


def test_recent_era_keeps_every_field():
    day, paper = import_file("2026-08-20.json")["2608.16590"]
    assert day == dt.date(2026, 8, 20)
    assert paper.title == ("Zetta ζ: An Efficient Closed-Loop Embodied Harness for "
                           "Self-Evolving Physical Intelligence")
    assert len(paper.authors) == 15
    assert paper.authors[:2] == ("Xin Ding", "Liang Mi")
    assert paper.abstract.startswith("Embodied agents are increasingly used")
    assert "\n" not in paper.abstract
    assert paper.ai_summary.startswith("Zetta is a closed-loop embodied harness")
    assert len(paper.keywords) == 11
    assert paper.keywords[0] == "closed-loop embodied harness"
    assert paper.upvotes == 92
    assert paper.comments == 1
    assert paper.published == dt.date(2026, 8, 17)
    assert paper.github == "https://github.com/air-embodied-brain/Zetta-Embodiment"
    assert paper.github_stars == 152
    assert paper.project_page == "https://air-embodied-brain.github.io/zetta/"
    assert paper.thumbnail.endswith("/papers/2608.16590.png")
    assert paper.submitter == "Xin64"


def test_oldest_era_uses_requested_day_media_url_and_clean_title():
    papers = import_file("2024-05-27.json")
    day, paper = papers["2405.15738"]
    assert day == dt.date(2024, 5, 27)  # no submittedOnDailyAt in 2024: the file's day
    assert paper.title == ("ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large "
                           "Multimodal Models")
    assert len(paper.authors) == 9
    assert paper.thumbnail == (
        "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.15738.png")
    assert paper.upvotes == 32 and paper.comments == 3
    assert paper.published == dt.date(2024, 5, 24)
    assert paper.keywords == () and paper.ai_summary is None and paper.submitter is None
    # The top-level title is preferred over paper.title, which keeps arXiv's line break.
    _, autocoder = papers["2405.14906"]
    assert autocoder.title.startswith("AutoCoder: Enhancing Code Large Language Model with")
    assert "\n" not in autocoder.title


def test_hidden_authors_are_left_out():
    _, paper = import_file("2025-09-30.json")["2509.22518"]
    assert len(paper.authors) == 7  # 8 in the file, Bo Li hidden
    assert "Bo Li" not in paper.authors
    assert paper.authors[0] == "Guanzhi Deng"


def test_submitter_organization_era_gives_the_organization():
    _, paper = import_file("2025-09-30.json")["2509.24006"]
    assert paper.organization == Organization(name="Tsinghua", fullname="Tsinghua University")
    assert paper.submitter == "jt-zhang"
    assert paper.upvotes == 78 and len(paper.keywords) == 15


def test_stray_whitespace_in_urls_is_stripped():
    _, paper = import_file("2025-03-17.json")["2503.11646"]
    assert paper.project_page == "https://sites.google.com/view/adc-robot"  # ' https://...'
    assert paper.title.startswith("Adversarial Data Collection: Human-Collaborative")
    assert "\n" not in paper.title


def test_github_repo_with_a_stray_newline_is_stripped():
    entries = json.loads((HF_DIR / "2026-08-20.json").read_text(encoding="utf-8"))
    entries[0]["paper"]["githubRepo"] = "https://github.com/air-embodied-brain/Zetta-Embodiment\n"
    [listing] = parse_hf_json(json.dumps(entries), "edited.json", requested=None)
    assert listing.papers[0].github == "https://github.com/air-embodied-brain/Zetta-Embodiment"


def test_submitted_on_daily_at_wins_over_the_requested_day():
    papers = import_file("2026-08-20.json", date=dt.date(2026, 8, 21))
    assert {day for day, _ in papers.values()} == {dt.date(2026, 8, 20)}
    old = import_file("2024-05-27.json", date=dt.date(2024, 5, 28))
    assert {day for day, _ in old.values()} == {dt.date(2024, 5, 28)}


def test_entries_from_two_days_make_two_listings():
    entries = json.loads((HF_DIR / "2026-08-20.json").read_text(encoding="utf-8"))[:2]
    entries[1]["paper"]["submittedOnDailyAt"] = "2026-08-21T00:00:00.000Z"
    listings = parse_hf_json(json.dumps(entries), "two.json", requested=None)
    assert [(lst.date.isoformat(), len(lst.papers)) for lst in listings] == [
        ("2026-08-20", 1), ("2026-08-21", 1)]


def test_old_file_without_a_day_needs_one():
    text = (HF_DIR / "2024-05-27.json").read_text(encoding="utf-8")
    expected = r"^papers.json: paper 2405.15738 \(#1\): paper.submittedOnDailyAt: no listing day"
    with pytest.raises(ValueError, match=expected):
        parse_hf_json(text, "papers.json", requested=None)
