"""The rules that keep the daily update going: each repair and refusal on its own.

Plausible days, placeholder dates moved back, a move killed half-way healed, versioned ids,
strict YAML, `validate` on the listings on disk, usage errors, and the GitHub annotations.
The whole run against the fake API is `test_daily_run.py`.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from paperarchive import cli, listing_io
from paperarchive.cli import RunReport, main
from paperarchive.merge import merge_archive
from paperarchive.model import (
    Listing,
    ListingError,
    Paper,
    canonical_id,
    day_problem,
    paper_day_problem,
)

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 6, 10)


def paper(paper_id: str, upvotes: int | None = None) -> Paper:
    return Paper(id=paper_id, title="T", authors=("A",), abstract="A.", upvotes=upvotes)


def write(root: Path, day: str, *ids: str, extra: str = "") -> Path:
    path = root / day[:4] / f"{day}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    papers = "".join(f"  - id: '{i}'\n    title: T\n    authors: []\n    abstract: A.\n"
                     for i in ids)
    path.write_text(f"date: {day}\npapers:\n{papers}{extra}", encoding="utf-8")
    return path


# --- plausible days ---------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "problem"), [
    ("1970-01-01", "before arXiv began"),
    ("9999-12-31", "is in the future (after 2026-06-11)"),
    ("2026-06-12", "is in the future"),
    ("2026-06-11", None),  # tomorrow: the API's day can run ahead of UTC
    ("2018-03-27", None),  # a copied page lists papers on their own (older) dates
])
def test_a_listing_day_is_plausible(day, problem):
    found = day_problem(dt.date.fromisoformat(day), TODAY)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(("paper_id", "day", "problem"), [
    ("2605.00001", "2023-04-30", "before Daily Papers began (2023-05)"),
    ("2605.00001", "2026-04-30", "before its arXiv id was issued (2026-05)"),
    ("2605.00001", "2026-05-01", None),
    ("2304.00001", "2023-05-01", None),
    ("a-copied-page-slug", "2018-03-27", None),
])
def test_an_arxiv_paper_is_not_listed_before_daily_papers_or_its_id(paper_id, day, problem):
    found = paper_day_problem(paper_id, dt.date.fromisoformat(day))
    assert (found is None) if problem is None else (problem in found)


def test_a_versioned_id_is_the_bare_paper():
    assert canonical_id("2501.00001v2") == "2501.00001"
    assert canonical_id("2501.00001") == "2501.00001"
    assert canonical_id("some-slug-v2") == "some-slug-v2"
    assert Paper.from_mapping({"id": "2501.00001v12", "title": "T", "authors": [],
                               "abstract": "A."}).id == "2501.00001"


# --- merging: placeholders never win, a paper on two days is healed ---------------------------

def test_a_paper_on_a_placeholder_day_moves_to_its_real_day():
    existing = [Listing(dt.date(1970, 1, 1), (paper("2605.00001"), paper("2605.00002")))]
    incoming = [Listing(dt.date(2026, 5, 29), (paper("2605.00001", upvotes=3),))]
    result = merge_archive(existing, incoming, today=TODAY)
    days = {listing.date: [p.id for p in listing.papers] for listing in result.listings}
    assert days == {dt.date(1970, 1, 1): ["2605.00002"], dt.date(2026, 5, 29): ["2605.00001"]}
    assert result.moved == (("2605.00001", dt.date(1970, 1, 1), dt.date(2026, 5, 29)),)


def test_an_arxiv_paper_listed_before_daily_papers_began_moves_to_its_real_day():
    existing = [Listing(dt.date(2020, 1, 1), (paper("2605.00001"),))]
    incoming = [Listing(dt.date(2026, 5, 29), (paper("2605.00001"),))]
    result = merge_archive(existing, incoming, today=TODAY)
    days = {listing.date: [p.id for p in listing.papers] for listing in result.listings}
    assert days == {dt.date(2020, 1, 1): [], dt.date(2026, 5, 29): ["2605.00001"]}


def test_a_paper_on_two_days_is_healed_to_its_first_day_with_what_both_know():
    existing = [Listing(dt.date(2026, 5, 20), (paper("2605.00001", upvotes=5),)),
                Listing(dt.date(2026, 5, 29), (paper("2605.00001", upvotes=9),
                                               paper("2605.00002")))]
    result = merge_archive(existing, [], today=TODAY)
    days = {listing.date: [(p.id, p.upvotes) for p in listing.papers]
            for listing in result.listings}
    assert days == {dt.date(2026, 5, 20): [("2605.00001", 9)],
                    dt.date(2026, 5, 29): [("2605.00002", None)]}


def test_a_killed_move_is_healed_by_the_next_import(tmp_path, capsys):
    listings = tmp_path / "listings"
    write(listings, "2026-05-20", "2605.00001")
    later = write(listings, "2026-05-29", "2605.00001", "2605.00002")
    unrelated = write(tmp_path / "in", "2026-06-01", "2606.00009")
    assert main(["validate", "--listings", str(listings)]) == 1  # the damage, as validate sees it
    assert main(["-q", "import", "--listings", str(listings), str(unrelated)]) == 0
    assert [p.id for p in listing_io.load_listing(later).papers] == ["2605.00002"]
    assert main(["validate", "--listings", str(listings)]) == 0


def test_a_move_writes_the_new_day_before_it_rewrites_the_old(tmp_path, monkeypatch):
    listings = tmp_path / "listings"
    old = write(listings, "2026-05-29", "2605.00001")
    incoming = write(tmp_path / "in", "2026-05-20", "2605.00001")
    order: list[str] = []
    real_write, real_unlink = listing_io.write_atomic, Path.unlink

    def recording_write(path, text, **kwargs):
        order.append(f"write {path.name}")
        return real_write(path, text, **kwargs)

    def recording_unlink(path, *args, **kwargs):
        order.append(f"remove {path.name}")
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(listing_io, "write_atomic", recording_write)
    monkeypatch.setattr(Path, "unlink", recording_unlink)
    assert main(["-q", "import", "--listings", str(listings), str(incoming)]) == 0
    assert order == ["write 2026-05-20.yaml", "remove 2026-05-29.yaml"]
    assert not old.exists()


# --- strict listings and validate -------------------------------------------------------------

def test_a_duplicate_key_is_an_error_naming_file_and_line(tmp_path):
    path = write(tmp_path, "2026-05-29", "2605.00001", extra="papers:\n  - id: '2605.00002'\n")
    with pytest.raises(ListingError) as caught:
        listing_io.load_listing(path)
    assert str(caught.value) == (f"{path}: line 7, column 1: invalid YAML: duplicate key "
                                 f"'papers' (first on line 2); a second block replaces the "
                                 f"first, so merge them into one")


def test_a_duplicate_field_in_a_paper_is_an_error_too(tmp_path):
    path = write(tmp_path, "2026-05-29", "2605.00001", extra="    title: Again\n")
    with pytest.raises(ListingError, match=r"line 7, column 5: .*duplicate key 'title' "
                                           r"\(first on line 4\)"):
        listing_io.load_listing(path)


def test_validate_refuses_placeholder_days_and_papers_before_their_id(tmp_path, capsys):
    listings = tmp_path / "listings"
    first = write(listings, "1970-01-01", "2605.00001")
    second = write(listings, "2026-04-01", "2605.00002")
    far = TODAY.replace(year=9999)
    third = write(listings, far.isoformat(), "2605.00003")
    assert main(["validate", "--listings", str(listings)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert errors == [
        f"error: {first}: date: 1970-01-01 is before arXiv began (1991-08): a placeholder date?",
        f"error: {first}: paper 2605.00001 (#1): date: listed on 1970-01-01, before Daily "
        f"Papers began (2023-05): a placeholder date?",
        f"error: {second}: paper 2605.00002 (#1): date: listed on 2026-04-01, before its arXiv "
        f"id was issued (2026-05)",
        f"error: {third}: date: {far} is in the future (after "
        f"{dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)}): a placeholder date?"]


def test_validate_checks_the_taxonomy_as_rendering_compiles_it(tmp_path, capsys):
    listings = tmp_path / "listings"
    write(listings, "2026-05-29", "2605.00001")
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text("topics:\n  - {slug: s, name: Speech, patterns: ['(?i)speech']}\n")
    assert main(["validate", "--listings", str(listings), "--taxonomy", str(taxonomy)]) == 1
    assert (f"error: {taxonomy}: topic s (#1): patterns[1]: '(?i)speech': global inline flags"
            in capsys.readouterr().err)


# --- usage errors: one line, exit 2, no traceback ---------------------------------------------

@pytest.mark.parametrize(("argv", "message"), [
    (["fetch", "--date", "2026-05-29", "--api-url", "notaurl"],
     "archive.py fetch: error: argument --api-url: 'notaurl' is not an http(s) URL"),
    (["fetch", "--date", "2026-05-29", "--timeout", "-1"],
     "archive.py fetch: error: argument --timeout: expected more than 0 seconds, got -1"),
    (["fetch", "--date", "2026-05-29", "--timeout", "nan"],
     "archive.py fetch: error: argument --timeout: expected more than 0 seconds, got nan"),
    (["fetch", "--date", "2026-05-29", "--retries", "-2"],
     "archive.py fetch: error: argument --retries: expected 0 or more, got -2"),
    (["fetch"], "archive.py fetch: error: one of the arguments --date --since --recent is "
                "required"),
    (["frobnicate"], "archive.py: error: argument COMMAND: invalid choice: 'frobnicate'"),
])
def test_usage_errors_are_one_line_and_exit_2(argv, message, tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "archive.py"), *argv],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(message), line
    assert line.endswith("(see --help)")


def test_a_bad_api_url_in_the_environment_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HF_API_URL", "ftp://example.org")
    assert main(["fetch", "--date", "2026-05-29", "--listings", str(tmp_path)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == ("error: $HF_API_URL: 'ftp://example.org' is not an http(s) URL such as "
                    "https://huggingface.co/api/daily_papers")


# --- GitHub annotations and the step summary --------------------------------------------------

def test_warnings_become_annotations_and_a_step_summary(tmp_path, capsys):
    report = RunReport("archive.py fetch")
    report.warnings = [("content/listings/2026/2026-05-29.yaml", "paper x: 100% bad\nnext"),
                       (None, "all 14 day(s) came back empty")]
    summary = tmp_path / "summary.md"
    report.publish(3, {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert capsys.readouterr().out.splitlines() == [
        "::warning file=content/listings/2026/2026-05-29.yaml,title=archive.py fetch::"
        "paper x: 100%25 bad%0Anext",
        "::warning title=archive.py fetch::all 14 day(s) came back empty"]
    assert summary.read_text() == (
        "### archive.py fetch: exit 3\n\n"
        "- `content/listings/2026/2026-05-29.yaml`: paper x: 100% bad next\n"
        "- all 14 day(s) came back empty\n\n")


def test_no_annotations_outside_github_actions(capsys):
    report = RunReport("archive.py fetch")
    report.warnings = [(None, "something")]
    report.publish(0, {})
    assert capsys.readouterr().out == ""


def test_exit_codes_are_documented_in_the_help():
    text = " ".join(cli.build_parser().format_help().split())
    assert "1 nothing could be done" in text and "3 a day or file looks wrong" in text


def test_the_build_leaves_out_only_a_listing_on_a_placeholder_day(tmp_path, capsys):
    listings = tmp_path / "listings"
    good = write(listings, "2026-05-29", "2605.00001")
    bad = write(listings, "9999-12-31", "2605.00002")
    papers = tmp_path / "papers"
    assert main(["render", "--listings", str(listings), "--papers", str(papers),
                 "--taxonomy", str(REPO / "taxonomy.yaml")]) == 0
    assert sorted(p.relative_to(papers).as_posix() for p in papers.rglob("*.md")) == [
        "2026/05/29/2605.00001.md"]
    err = capsys.readouterr().err
    assert f"warning: {bad}: date: 9999-12-31 is in the future" in err
    assert str(good) not in err


def test_a_copied_page_keeps_its_good_papers(tmp_path, capsys):
    block = "{title}\nAn abstract.\n3 authors\n·\nMay 29, 2026\n\n"
    page = tmp_path / "page.txt"
    page.write_text(block.format(title="A good paper") + block.format(title="T" * 2500)
                    + block.format(title="Another good paper"), encoding="utf-8")
    listings = tmp_path / "listings"
    assert main(["-q", "import", "--listings", str(listings), "--date", "2026-05-29",
                 str(page)]) == 0
    (listing,) = listing_io.load_archive(listings)
    assert [p.title for p in listing.papers] == ["A good paper", "Another good paper"]
    (warning,) = capsys.readouterr().err.splitlines()
    assert warning.startswith(f"warning: {page}: paper ")
    assert "title: is 2500 characters long, the limit is 2000 (paper skipped)" in warning
