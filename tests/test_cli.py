"""The `scripts/archive.py` command line: import, fetch and validate, end to end in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hf_fake_server import FakeHF

from paperarchive import listing_io
from paperarchive.cli import build_parser, days_to_fetch, main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
HF = DATA / "hf"
SEED = DATA / "page" / "000_df572200bbbb8f24.txt"


def entries(day: str = "2026-08-20") -> list[dict]:
    return json.loads((HF / f"{day}.json").read_text(encoding="utf-8"))


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes (to prove nothing changed)."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def paper_ids(root: Path) -> dict[str, list[str]]:
    return {listing.date.isoformat(): [p.id for p in listing.papers]
            for listing in listing_io.load_archive(root)}


def test_help_documents_every_subcommand():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "archive.py"), "--help"],
                            capture_output=True, text=True, check=True)
    for command in ("import", "fetch", "validate"):
        assert command in result.stdout


def test_usage_errors_exit_2(capsys):
    assert main(["import"]) == 2
    assert main(["fetch", "--date", "2026-02-30"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_importing_all_days_and_the_seed_keeps_every_paper(tmp_path, capsys):
    listings = tmp_path / "listings"
    assert main(["import", "--listings", str(listings), str(HF), str(SEED)]) == 0
    archive = listing_io.load_archive(listings)
    expected = sum(len(entries(p.stem)) for p in HF.glob("*.json")) + 43
    assert sum(len(listing.papers) for listing in archive) == expected == 326
    err = capsys.readouterr().err
    assert "[13/13]" in err  # one progress line per file
    assert "326 new papers" in err


def test_reimport_is_byte_identical(tmp_path, capsys):
    listings = tmp_path / "listings"
    args = ["import", "--listings", str(listings), str(HF / "2025-10-03.json"), str(SEED)]
    assert main(args) == 0
    before = snapshot(listings)
    mtimes = {p: p.stat().st_mtime_ns for p in listings.rglob("*.yaml")}
    assert main(args) == 0
    assert snapshot(listings) == before
    assert {p: p.stat().st_mtime_ns for p in listings.rglob("*.yaml")} == mtimes
    assert "0 listing files written" in capsys.readouterr().err


def test_yaml_listings_import_as_they_are(tmp_path):
    first = tmp_path / "first"
    assert main(["-q", "import", "--listings", str(first), str(HF / "2026-08-20.json")]) == 0
    second = tmp_path / "second"
    assert main(["-q", "import", "--listings", str(second), str(first)]) == 0
    assert snapshot(second) == snapshot(first)


def test_newer_snapshot_updates_counts_and_keeps_fields(tmp_path):
    listings = tmp_path / "listings"
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2026-08-20.json")]) == 0
    newer = entries()
    newer[0]["paper"]["upvotes"] = 500
    newer[0]["numComments"] = 9
    newer[0]["paper"]["ai_summary"] = "A newer summary."
    del newer[0]["paper"]["githubRepo"]
    newer[1]["paper"]["upvotes"] = 0  # an older count never wins
    path = write_json(tmp_path / "2026-08-20.json", newer)
    assert main(["-q", "import", "--listings", str(listings), str(path)]) == 0
    data = yaml.safe_load((listings / "2026" / "2026-08-20.yaml").read_text(encoding="utf-8"))
    papers = {p["id"]: p for p in data["papers"]}
    zetta = papers["2608.16590"]
    assert (zetta["upvotes"], zetta["comments"]) == (500, 9)
    assert zetta["ai_summary"] == "A newer summary."
    assert zetta["github"] == "https://github.com/air-embodied-brain/Zetta-Embodiment"
    second_id = newer[1]["paper"]["id"]
    assert papers[second_id]["upvotes"] == entries()[1]["paper"]["upvotes"]


def test_a_paper_is_listed_on_its_first_day_only(tmp_path):
    listings = tmp_path / "listings"
    later = entries()[:2]
    for entry in later:
        entry["paper"]["submittedOnDailyAt"] = "2026-08-21T00:00:00.000Z"
    later_path = write_json(tmp_path / "2026-08-21.json", later)
    assert main(["-q", "import", "--listings", str(listings), str(later_path)]) == 0
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2026-08-20.json")]) == 0
    ids = paper_ids(listings)
    assert "2026-08-21" not in ids  # both moved to their earlier day; the empty day is removed
    assert not (listings / "2026" / "2026-08-21.yaml").exists()
    assert len(ids["2026-08-20"]) == 15
    assert main(["-q", "import", "--listings", str(listings), str(later_path)]) == 0
    assert paper_ids(listings) == ids
    assert main(["validate", "--listings", str(listings)]) == 0


def test_validate_reports_an_id_on_two_days(tmp_path, capsys):
    listings = tmp_path / "listings"
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2026-08-20.json")]) == 0
    text = (listings / "2026" / "2026-08-20.yaml").read_text(encoding="utf-8")
    copy = listings / "2026" / "2026-08-22.yaml"
    copy.write_text(text.replace("date: 2026-08-20", "date: 2026-08-22"), encoding="utf-8")
    assert main(["validate", "--listings", str(listings)]) == 1
    err = capsys.readouterr().err
    assert "paper 2608.16590: listed on 2026-08-20 and again on 2026-08-22" in err
    assert main(["validate", str(listings / "2026" / "2026-08-20.yaml")]) == 0


def test_a_day_keeps_its_file_wherever_it_is(tmp_path):
    listings = tmp_path / "listings"
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2026-08-20.json")]) == 0
    flat = listings / "2026-08-20.yaml"
    (listings / "2026" / "2026-08-20.yaml").rename(flat)
    newer = entries()
    newer[0]["paper"]["upvotes"] = 500
    path = write_json(tmp_path / "2026-08-20.json", newer)
    assert main(["-q", "import", "--listings", str(listings), str(path)]) == 0
    assert [p.relative_to(listings) for p in listings.rglob("*.yaml")] == [Path("2026-08-20.yaml")]
    assert "upvotes: 500" in flat.read_text(encoding="utf-8")


def test_two_files_for_one_day_are_an_error(tmp_path, capsys):
    listings = tmp_path / "listings"
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2026-08-20.json")]) == 0
    copy = listings / "2026-08-20.yaml"
    copy.write_bytes((listings / "2026" / "2026-08-20.yaml").read_bytes())
    assert main(["validate", "--listings", str(listings)]) == 1
    assert "date: a second listing of 2026-08-20" in capsys.readouterr().err
    before = snapshot(listings)
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2026-05-29.json")]) == 1
    assert "a second listing of 2026-08-20" in capsys.readouterr().err
    assert snapshot(listings) == before


def test_json_saved_as_txt_is_detected_by_content(tmp_path):
    saved = tmp_path / "response.txt"
    saved.write_text(REAL, encoding="utf-8")
    listings = tmp_path / "listings"
    assert main(["-q", "import", "--date", "2026-08-20", "--listings", str(listings),
                 str(saved)]) == 0
    assert len(paper_ids(listings)["2026-08-20"]) == 15


def test_validate_names_the_bad_file_paper_and_field(tmp_path, capsys):
    listings = tmp_path / "listings"
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2026-08-20.json")]) == 0
    path = listings / "2026" / "2026-08-20.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("upvotes: 92", "upvotes: many"),
                    encoding="utf-8")
    assert main(["validate", "--listings", str(listings)]) == 1
    assert (f"error: {path}: paper 2608.16590 (#1): upvotes: expected a whole number, "
            f"got text 'many'") in capsys.readouterr().err


# --- broken input: a bad paper costs only itself, a bad file only itself ----------------------

def _edit(change):
    def build(tmp_path: Path) -> Path:
        data = entries()
        change(data)
        return write_json(tmp_path / "2026-08-20.json", data)
    return build


def _text(name: str, text: str):
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return build


def _set(path: str, value):
    def change(data):
        target = data[0]
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]
        target[last] = value
    return change


def _del_title(data):
    del data[0]["title"]
    del data[0]["paper"]["title"]


REAL = (HF / "2026-08-20.json").read_text(encoding="utf-8")
GOOD_YAML = "date: 2026-08-20\npapers:\n  - id: '2608.16590'\n    title: T\n    authors: []\n" \
            "    abstract: A.\n"

# Files refused whole: unreadable, not the expected shape, or most papers invalid. The good file
# beside them is imported all the same, and the import exits 3.
REFUSED = {
    "truncated JSON": (_text("2026-08-20.json", REAL[: len(REAL) // 2]),
                       r"2026-08-20\.json: line \d+, column \d+: invalid JSON: .*truncated"),
    "wrapper object": (_text("2026-08-20.json", json.dumps({"papers": entries()})),
                       r"2026-08-20\.json: expected a JSON array .*wrapper object"),
    "Python repr strings": (_text("2026-08-20.json", json.dumps([repr(e) for e in entries()])),
                            r"2026-08-20\.json: 15 of 15 entries are invalid \(the first: "
                            r"paper #1: expected an object, got str .*repr"),
    "every paper dated 1970": (_edit(lambda data: [e["paper"].update(
                                   submittedOnDailyAt="1970-01-01T00:00:00.000Z") for e in data]),
                               r"15 of 15 entries are invalid .*1970-01-01 is before arXiv began"),
    "invalid YAML": (_text("2026-08-20.yaml", "date: 2026-08-20\npapers: [\n"),
                     r"2026-08-20\.yaml: line \d+, column \d+: invalid YAML"),
    "YAML duplicate key": (_text("2026-08-20.yaml", GOOD_YAML + "papers: []\n"),
                           r"2026-08-20\.yaml: line 7, column 1: invalid YAML: duplicate key "
                           r"'papers' \(first on line 2\)"),
    "YAML mapping for papers": (_text("2026-08-20.yaml", "date: 2026-08-20\npapers: {a: 1}\n"),
                                r"2026-08-20\.yaml: papers: expected a list of papers"),
    "YAML impossible date": (_text("2026-08-20.yaml", GOOD_YAML.replace("08-20", "02-30")),
                             r"2026-08-20\.yaml: date: '2026-02-30' is not a real date"),
    "YAML placeholder date": (_text("2026-08-20.yaml", GOOD_YAML.replace("2026-08-20",
                                                                         "9999-12-31")),
                              r"2026-08-20\.yaml: date: 9999-12-31 is in the future"),
    "YAML bad id, its only paper": (
        _text("2026-08-20.yaml", GOOD_YAML.replace("'2608.16590'", "a/../b")),
        r"1 of 1 papers are invalid \(the first: paper a/\.\./b \(#1\): id: 'a/\.\./b' is"),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_a_broken_file_is_refused_whole_and_the_others_imported(case, tmp_path, capsys):
    build, expected = REFUSED[case]
    listings = tmp_path / "listings"
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    bad = build(inputs)
    good = HF / "2025-06-25.json"
    assert main(["-q", "import", "--listings", str(listings), str(good), str(bad)]) == 3
    assert paper_ids(listings).keys() == {"2025-06-25"}  # the good file, whole
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert errors[0].startswith(f"error: {bad}: ")
    assert re.search(expected, errors[0]), errors[0]
    assert errors[1:] == [f"error: 1 of 2 files refused, the others imported: {bad}"]


def test_only_broken_files_is_exit_1_and_nothing_written(tmp_path, capsys):
    bad = _text("2026-08-20.json", REAL[:100])(tmp_path)
    assert main(["-q", "import", "--listings", str(tmp_path / "out"), str(bad)]) == 1
    assert not (tmp_path / "out").exists()
    assert "no file could be imported (1 refused); nothing written" in capsys.readouterr().err


# One bad paper or field in a good file: the paper is left out, or the field dropped or
# repaired, with one warning naming the file, the paper and the field; the other 14 papers of
# the day and the other file are written, exit 0.
SKIPPED = {
    "missing title": (_del_title, r"paper 2608\.16590 \(#1\): title: missing"),
    "missing abstract": (lambda data: (data[0].pop("summary", None),
                                       data[0]["paper"].pop("summary")),
                         r"paper 2608\.16590 \(#1\): summary: missing"),
    "5,000-character title": (_set("title", "T" * 5000),
                              r"\(#1\): title: is 5000 characters long, the limit is 2000"),
    "missing id": (_set("paper.id", None), r"paper #1: paper\.id: missing"),
    "path in id": (_set("paper.id", "../x"), r"paper \.\./x \(#1\): paper\.id: '\.\./x'"),
    "NUL in id": (_set("paper.id", "2608.16590\x00"), r"\(#1\): paper\.id: '2608"),
    "space in id": (_set("paper.id", "2608 16590"), r"paper\.id: '2608 16590' is neither"),
    "impossible day": (_set("paper.submittedOnDailyAt", "2026-02-30T00:00:00.000Z"),
                       r"paper\.submittedOnDailyAt: '2026-02-30T00:00:00\.000Z' is not a real"),
    "dated 1970": (_set("paper.submittedOnDailyAt", "1970-01-01T00:00:00.000Z"),
                   r"paper\.submittedOnDailyAt: 1970-01-01 is before arXiv began"),
    "dated 9999": (_set("paper.submittedOnDailyAt", "9999-12-31T00:00:00.000Z"),
                   r"paper\.submittedOnDailyAt: 9999-12-31 is in the future"),
    "dated far from its file's day": (_set("paper.submittedOnDailyAt", "2026-10-01T00:00:00Z"),
                                      r"dated 2026-10-01, 42 days from the day asked for"),
    "dated before its arXiv month": (_set("paper.id", "2609.00001"),
                                     r"listed on 2026-08-20, before its arXiv id was issued"),
    "authors not a list": (_set("paper.authors", "A. Author"),
                           r"\(#1\): paper\.authors: expected a list"),
    "duplicate id in a day": (lambda data: data.append(dict(data[0])),
                              r"paper 2608\.16590 \(#16\): id: listed twice \(also paper #1\)"),
    "a version of an id in the day": (
        lambda data: data.append({**data[0], "paper": {**data[0]["paper"],
                                                        "id": "2608.16590v2"}}),
        r"paper 2608\.16590 \(#16\): id: listed twice"),
}
DROPPED = {
    "impossible arXiv date": (_set("paper.publishedAt", "2026-13-01T00:00:00Z"),
                              r"\(#1\): paper\.publishedAt: .* is not a real date; left out",
                              "published", None),
    "negative upvotes": (_set("paper.upvotes", -3),
                         r"\(#1\): paper\.upvotes: expected a number of 0 or more, got -3; "
                         r"left out", "upvotes", None),
    "upvotes many": (_set("paper.upvotes", "many"),
                     r"\(#1\): paper\.upvotes: expected a whole number, got text 'many'",
                     "upvotes", None),
    "upvotes 12.0": (_set("paper.upvotes", 12.0), r"\(#1\): paper\.upvotes: 12\.0 read as 12",
                     "upvotes", 12),
    "author without a name": (_set("paper.authors", [{"name": "A"}, {"hidden": False}]),
                              r"\(#1\): paper\.authors\[2\]\.name: expected a name, got "
                              r"NoneType None; author left out", "authors", ["A"]),
    "keyword not text": (_set("paper.ai_keywords", ["a", "b", 3]),
                         r"\(#1\): paper\.ai_keywords\[3\]: expected text, got a number 3; "
                         r"left out", "keywords", ["a", "b"]),
    "organisation handle with quotes": (_set("organization", {"name": 'a"b', "fullname": "X"}),
                                        r"\(#1\): organization\.name: expected an HF",
                                        "organization", None),
}


def _listing_file(listings: Path, day: str) -> dict:
    return yaml.safe_load((listings / day[:4] / f"{day}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", list(SKIPPED), ids=list(SKIPPED))
def test_a_bad_paper_is_skipped_with_a_located_warning(case, tmp_path, capsys):
    change, expected = SKIPPED[case]
    listings = tmp_path / "listings"
    bad = _edit(change)(tmp_path)
    good = HF / "2025-06-25.json"
    assert main(["-q", "import", "--listings", str(listings), str(good), str(bad)]) == 0
    ids = paper_ids(listings)
    assert len(ids["2026-08-20"]) == (15 if "twice" in expected else 14)
    assert "2608.16590v2" not in ids["2026-08-20"]
    assert len(ids["2025-06-25"]) == len(entries("2025-06-25"))
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"warning: {bad}: ")
    assert warnings[0].endswith("(paper skipped)")
    assert re.search(expected, warnings[0]), warnings[0]


@pytest.mark.parametrize("case", list(DROPPED), ids=list(DROPPED))
def test_a_bad_optional_field_is_dropped_or_repaired_with_a_warning(case, tmp_path, capsys):
    change, expected, field, value = DROPPED[case]
    listings = tmp_path / "listings"
    bad = _edit(change)(tmp_path)
    assert main(["-q", "import", "--listings", str(listings), str(bad)]) == 0
    papers = {p["id"]: p for p in _listing_file(listings, "2026-08-20")["papers"]}
    assert len(papers) == 15
    assert papers["2608.16590"].get(field) == value
    (warning,) = capsys.readouterr().err.splitlines()
    assert warning.startswith(f"warning: {bad}: paper 2608.16590 (#1): ")
    assert re.search(expected, warning), warning


def test_a_yaml_listing_keeps_its_good_papers(tmp_path, capsys):
    text = GOOD_YAML + ("  - id: '2608.16591'\n    title: U\n    authors: []\n    abstract: B.\n"
                        "    upvotes: many\n"
                        "  - id: '2608.16592'\n    title: V\n    authors: []\n")
    path = _text("2026-08-20.yaml", text)(tmp_path)
    assert main(["-q", "import", "--listings", str(tmp_path / "out"), str(path)]) == 0
    assert paper_ids(tmp_path / "out") == {"2026-08-20": ["2608.16590", "2608.16591"]}
    warnings = capsys.readouterr().err.splitlines()
    assert warnings == [
        f"warning: {path}: paper 2608.16592 (#3): abstract: missing (paper skipped)",
        f"warning: {path}: paper 2608.16591 (#2): upvotes: expected a whole number, got text "
        f"'many'; left out"]


def test_oversize_file_is_refused_before_reading(tmp_path, capsys):
    big = tmp_path / "2026-08-20.json"
    with big.open("wb") as handle:
        handle.truncate(listing_io.MAX_LISTING_BYTES + 1)
    assert main(["-q", "import", "--listings", str(tmp_path / "out"), str(big)]) == 1
    assert "over the 20,971,520-byte limit" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_invalid_archive_blocks_the_import(tmp_path, capsys):
    listings = tmp_path / "listings"
    bad = listings / "2026" / "2026-08-21.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text("date: 2026-08-21\npapers: 7\n", encoding="utf-8")
    before = snapshot(listings)
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2026-08-20.json")]) == 1
    assert snapshot(listings) == before
    assert f"{bad}: papers: expected a list of papers" in capsys.readouterr().err


def test_the_good_files_are_imported_and_the_bad_listed(tmp_path, capsys):
    listings = tmp_path / "listings"
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "2026-08-20.json").write_text(REAL, encoding="utf-8")
    bad1 = write_json(inputs / "2026-08-21.json", {"papers": []})
    bad2 = inputs / "2026-08-22.json"
    bad2.write_text(REAL[:100], encoding="utf-8")
    assert main(["import", "--listings", str(listings), str(inputs)]) == 3
    assert paper_ids(listings).keys() == {"2026-08-20"}
    err = capsys.readouterr().err
    assert f"error: {bad1}: expected a JSON array" in err
    truncated = rf"error: {re.escape(str(bad2))}: line \d+, column \d+: invalid JSON: .*truncated"
    assert re.search(truncated, err)
    assert f"2 of 3 files refused, the others imported: {bad1}, {bad2}" in err


# --- fetch --------------------------------------------------------------------------------

def test_fetch_a_day_from_the_fake_api(tmp_path, capsys):
    listings = tmp_path / "listings"
    with FakeHF() as fake:
        recorded = fake.add_recorded_day("2026-05-29")
        args = ["fetch", "--date", "2026-05-29", "--api-url", fake.url,
                "--listings", str(listings)]
        assert main(args) == 0
        assert main(args) == 0  # a second fetch of the same data changes nothing
    assert paper_ids(listings)["2026-05-29"][0] == recorded[0]["paper"]["id"]
    assert len(paper_ids(listings)["2026-05-29"]) == 45
    err = capsys.readouterr().err
    assert "[1/1] 2026-05-29: 45 papers (1 page)" in err
    assert "0 listing files written, 1 unchanged" in err


def test_fetch_a_range_reports_the_empty_day_and_strict_exits_3(tmp_path, capsys, monkeypatch):
    listings = tmp_path / "listings"
    with FakeHF() as fake:
        fake.add_recorded_day("2026-06-03")
        monkeypatch.setenv("HF_API_URL", fake.url)
        base = ["fetch", "--since", "2026-06-02", "--until", "2026-06-03",
                "--listings", str(listings)]
        assert main(base) == 0
        assert main([*base, "--strict"]) == 3
        assert [r["date"] for r in fake.requests] == ["2026-06-02", "2026-06-03"] * 2
    err = capsys.readouterr().err
    assert "warning: 2026-06-02: the API listed no papers" in err
    assert "[2/2] 2026-06-03: 23 papers (1 page)" in err
    assert paper_ids(listings).keys() == {"2026-06-03"}


def test_fetch_a_full_last_page_then_an_empty_one_is_complete_even_with_strict(tmp_path,
                                                                              capsys):
    with FakeHF() as fake:
        fake.add_recorded_day("2026-08-20")
        assert main(["fetch", "--date", "2026-08-20", "--api-url", fake.url, "--page-size",
                     "15", "--strict", "--listings", str(tmp_path / "listings")]) == 0
        assert [r["p"] for r in fake.requests] == ["0", "1"]
    assert len(paper_ids(tmp_path / "listings")["2026-08-20"]) == 15
    assert "warning" not in capsys.readouterr().err


def test_fetch_retries_then_succeeds(tmp_path, capsys):
    with FakeHF() as fake:
        fake.add_recorded_day("2026-08-20")
        fake.failures = [(503, {"Retry-After": "0"})]
        assert main(["fetch", "--date", "2026-08-20", "--api-url", fake.url,
                     "--listings", str(tmp_path / "listings")]) == 0
    assert "HTTP 503" in capsys.readouterr().err


def test_fetch_offline_is_one_clear_line_and_writes_nothing(tmp_path, capsys):
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    listings = tmp_path / "listings"
    assert main(["fetch", "--recent", "2", "--retries", "0", "--api-url",
                 f"http://127.0.0.1:{port}/api", "--listings", str(listings)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert errors == [f"error: cannot connect to 127.0.0.1:{port} (connection refused): are you "
                      f"offline?; the remaining days are not tried",
                      "error: no day could be fetched; nothing written"]
    assert not listings.exists()


def test_fetch_a_bad_field_costs_only_itself(tmp_path, capsys):
    with FakeHF() as fake:
        fake.add_recorded_day("2026-08-20")[3]["paper"]["upvotes"] = "many"
        assert main(["fetch", "--date", "2026-08-20", "--api-url", fake.url,
                     "--listings", str(tmp_path / "listings")]) == 0
    assert "(#4): paper.upvotes: expected a whole number" in capsys.readouterr().err
    assert len(paper_ids(tmp_path / "listings")["2026-08-20"]) == 15


def test_fetch_a_day_of_mostly_bad_entries_is_refused_and_the_others_written(tmp_path, capsys):
    listings = tmp_path / "listings"
    with FakeHF() as fake:
        for entry in fake.add_recorded_day("2026-05-29")[:30]:
            entry["paper"]["authors"] = "renamed"  # a schema change
        fake.add_recorded_day("2026-06-03")
        # No --allow-empty: once pelican is imported in-process, its logger drops a line
        # identical to one already written, and a later test needs its "allowed" lines.
        base = ["fetch", "--since", "2026-05-29", "--until", "2026-06-03",
                "--api-url", fake.url, "--listings", str(listings)]
        assert main(base) == 0
        assert main([*base, "--strict"]) == 3
    assert paper_ids(listings).keys() == {"2026-06-03"}
    err = capsys.readouterr().err
    assert re.search(r"warning: 2026-05-29: refused: http://\S+date=2026-05-29\S*: 30 of 45 "
                     r"entries are invalid \(the first: paper 2605\.\d+ \(#1\): "
                     r"paper\.authors: expected a list", err)
    assert re.search(r"5 day\(s\) look wrong: 2026-05-29 \(refused\), 2026-05-30 \(empty\), .*; "
                     r"exiting 3 because of --strict", err)


def test_allow_empty_lets_strict_pass_weekends_but_not_an_all_empty_fetch(tmp_path, capsys):
    listings = tmp_path / "listings"
    with FakeHF() as fake:
        fake.add_recorded_day("2026-06-03")
        base = ["fetch", "--strict", "--allow-empty", "--api-url", fake.url,
                "--listings", str(listings)]
        assert main([*base, "--since", "2026-06-02", "--until", "2026-06-03"]) == 0
        assert main([*base, "--since", "2026-05-30", "--until", "2026-06-02"]) == 3
    err = capsys.readouterr().err
    assert "2026-06-02: no papers listed (allowed by --allow-empty)" in err
    assert "warning: all 4 day(s) came back empty: the API may be failing" in err
    assert paper_ids(listings).keys() == {"2026-06-03"}


def test_allow_empty_still_reports_a_possibly_truncated_day(tmp_path, capsys):
    # Another day than the test above: once pelican is imported in-process, its logger class
    # drops a log line identical to one already written.
    with FakeHF() as fake:
        fake.add_recorded_day("2026-06-03")
        fake.ignore_paging = True
        assert main(["fetch", "--date", "2026-06-03", "--api-url", fake.url, "--page-size",
                     "10", "--strict", "--allow-empty",
                     "--listings", str(tmp_path / "listings")]) == 3
    assert "repeats the previous page" in capsys.readouterr().err
    # What came is kept: merging never drops a paper, and the next fetch completes the day.
    assert len(paper_ids(tmp_path / "listings")["2026-06-03"]) == 10


@pytest.mark.parametrize(("argv", "expected"), [
    (["--date", "2026-05-29"], ["2026-05-29"]),
    (["--recent", "3"], ["2026-05-28", "2026-05-29", "2026-05-30"]),
    (["--since", "2026-05-30", "--until", "2026-06-01"], ["2026-05-30", "2026-05-31",
                                                          "2026-06-01"]),
    (["--since", "2026-05-29"], ["2026-05-29", "2026-05-30"]),
])
def test_days_to_fetch(argv, expected):
    args = build_parser().parse_args(["fetch", *argv])
    days = days_to_fetch(args, today=dt.date(2026, 5, 30))
    assert [d.isoformat() for d in days] == expected


@pytest.mark.parametrize("argv", [["--since", "2026-06-02", "--until", "2026-06-01"],
                                  ["--date", "2026-06-01", "--until", "2026-06-02"],
                                  ["--date", "2026-06-01", "--recent", "2"],
                                  ["--recent", "0"]])
def test_fetch_usage_errors_exit_2_without_fetching(argv, tmp_path, capsys):
    with FakeHF() as fake:
        assert main(["fetch", *argv, "--api-url", fake.url,
                     "--listings", str(tmp_path / "listings")]) == 2
        assert fake.requests == []


def test_an_unwritable_archive_is_one_error_line(tmp_path, capsys):
    listings = tmp_path / "listings"
    listings.mkdir()
    (listings / "2026").write_text("not a folder", encoding="utf-8")
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2026-08-20.json")]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and errors[0].startswith("error: cannot write ")
