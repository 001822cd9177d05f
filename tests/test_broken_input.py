"""Broken input through the real command line, into an archive that already has listings.

Complements `test_cli.py` (which imports into an empty archive) with more cases, in all three
formats. A file whose one paper is unusable (or that is not a listing at all) is refused whole
with one error line naming the file, the paper (id or position) and the field, and exits 3
while the good file beside it is imported; a bad optional field or a second copy of a paper
costs only itself, with one warning line. Existing listings stay byte for byte as they were.
A mixed batch imports the good files and lists the bad ones.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from site_helpers import REPO

from paperarchive import listing_io
from paperarchive.cli import main

HF = REPO / "tests" / "data" / "hf"
SITE_LISTING = REPO / "tests" / "data" / "site_archive" / "2026" / "2026-05-29.yaml"
REAL = json.loads((HF / "2026-08-20.json").read_text(encoding="utf-8"))
PAPER = "date: 2026-05-29\npapers:\n  - id: '2605.29801'\n    title: T\n    authors: []\n" \
        "    abstract: A.\n"


def entry(**paper) -> list[dict]:
    """The first real API entry with `paper` fields replaced."""
    first = json.loads(json.dumps(REAL[0]))
    first["paper"].update(paper)
    return [first]


def truncated_yaml() -> str:
    text = SITE_LISTING.read_text(encoding="utf-8")
    return text[: len(text) // 2]


CASES = {
    # name: (file name, text, what the one error line must match after "error: <file>: ")
    "JSON string at top level": ("2026-08-20.json", json.dumps("papers"),
                                 r"expected a JSON array of papers, got str"),
    "JSON empty file": ("2026-08-20.json", "", r"line 1, column 1: invalid JSON"),
    "JSON null entry": ("2026-08-20.json", json.dumps([None]),
                        r"1 of 1 entries are invalid \(the first: paper #1: expected an object"),
    "JSON author as repr string": ("2026-08-20.json", json.dumps(entry(authors=["{'name': 'A'}"])),
                                   r"paper 2608\.16590 \(#1\): paper\.authors\[1\]: expected"),
    "JSON upvotes true": ("2026-08-20.json", json.dumps(entry(upvotes=True)),
                          r"paper 2608\.16590 \(#1\): paper\.upvotes: expected a whole number"),
    "JSON upvotes 3.5": ("2026-08-20.json", json.dumps(entry(upvotes=3.5)),
                         r"paper 2608\.16590 \(#1\): paper\.upvotes: expected a whole number, "
                         r"got a number 3\.5"),
    "JSON absolute path id": ("2026-08-20.json", json.dumps(entry(id="/etc/passwd")),
                              r"paper /etc/passwd \(#1\): paper\.id: '/etc/passwd' is neither"),
    "JSON dot-dot id": ("2026-08-20.json", json.dumps(entry(id="..")),
                        r"paper \.\. \(#1\): paper\.id: '\.\.' is neither"),
    "JSON backslash id": ("2026-08-20.json", json.dumps(entry(id="a\\b")),
                          r"paper a\\b \(#1\): paper\.id: 'a\\\\b' is neither"),
    "YAML truncated": ("2026-05-29.yaml", truncated_yaml(),
                       r"line \d+: the file does not end with a newline, so it looks truncated"),
    "YAML list instead of a listing": ("2026-05-29.yaml", "- a\n- b\n",
                                       r"a listing is a mapping with 'date' and 'papers'"),
    "YAML wrapper object": ("2026-05-29.yaml", "listing:\n  date: 2026-05-29\n  papers: []\n",
                            r"unknown top-level field\(s\) listing"),
    "YAML repr string entry": ("2026-05-29.yaml",
                               "date: 2026-05-29\npapers:\n  - \"{'id': '2605.1'}\"\n",
                               r"paper #1: expected a mapping of fields, got text"),
    "YAML text for papers": ("2026-05-29.yaml", "date: 2026-05-29\npapers: |\n  text\n",
                             r"papers: expected a list of papers, got text"),
    "YAML missing id": ("2026-05-29.yaml", PAPER.replace("  - id: '2605.29801'\n    title",
                                                         "  - title"),
                        r"paper #1: id: missing"),
    "YAML missing title": ("2026-05-29.yaml", PAPER.replace("    title: T\n", ""),
                           r"paper 2605\.29801 \(#1\): title: missing"),
    "YAML NUL in id": ("2026-05-29.yaml", PAPER.replace("'2605.29801'", '"2605.29801\\0"'),
                       r"paper 2605\.29801 \(#1\): id: '2605\.29801\\x00' is neither"),
    "YAML space in id": ("2026-05-29.yaml", PAPER.replace("'2605.29801'", "'2605 29801'"),
                         r"paper 2605 29801 \(#1\): id: '2605 29801' is neither"),
    "YAML duplicate id": ("2026-05-29.yaml", PAPER + PAPER.split("papers:\n")[1],
                          r"paper 2605\.29801 \(#2\): id: listed twice \(also paper #1\)"),
    "YAML negative comments": ("2026-05-29.yaml", PAPER + "    comments: -1\n",
                               r"paper 2605\.29801 \(#1\): comments: expected a number of 0 "
                               r"or more, got -1"),
    "YAML impossible arXiv date": ("2026-05-29.yaml", PAPER + "    published: 2026-02-30\n",
                                   r"paper 2605\.29801 \(#1\): published: '2026-02-30' "
                                   r"is not a real date"),
    "YAML lone surrogate": ("2026-05-29.yaml", PAPER.replace("title: T", 'title: "T\\uD800"'),
                            r"line 4, column \d+: invalid YAML"),
    "page impossible date": ("page.txt", "Title\nAbstract\n3 authors\n·\nFeb 30, 2026\n",
                             r"paper #1 \(line 1\): date: 02/30/2026 is not a real date"),
    "page cut after the separator": ("page.txt", "Title\nAbstract\n3 authors\n·\n",
                                     r"paper line 4: a '·' separator without"),
    "page unknown month": ("page.txt", "Title\nAbstract\n3 authors\n·\nSmarch 3, 2026\n",
                           r"paper line 5: date: expected a date like"),
    "page with no papers": ("page.txt", "just some junk\n", r"no papers found"),
    "page without its own date": ("page.txt", "Title\nAbstract\n3 authors\n·\nFeb 3, 2026\n",
                                  r"the page's own date .* is missing: pass --date"),
}


@pytest.fixture
def archive(tmp_path) -> Path:
    """An archive with one real day in it, to prove a failed import changes nothing."""
    listings = tmp_path / "listings"
    assert main(["-q", "import", "--listings", str(listings), str(HF / "2025-06-25.json")]) == 0
    return listings


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


# Cases where the paper is kept (a bad optional field dropped) or only a second copy is left out.
KEPT = {"JSON upvotes true", "JSON upvotes 3.5", "YAML negative comments",
        "YAML impossible arXiv date", "YAML duplicate id"}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_input_costs_only_what_it_touches(case, archive, tmp_path, capsys):
    name, text, expected = CASES[case]
    bad = tmp_path / "inputs" / name
    bad.parent.mkdir()
    bad.write_text(text, encoding="utf-8")
    before = snapshot(archive)
    capsys.readouterr()
    status = main(["-q", "import", "--listings", str(archive), str(HF / "2026-08-20.json"),
                   str(bad)])
    after = snapshot(archive)
    assert {k: v for k, v in after.items() if k in before} == before
    assert "2026/2026-08-20.yaml" in after  # the good file is imported either way
    lines = capsys.readouterr().err.splitlines()
    if case in KEPT:
        assert status == 0
        assert len(lines) == 1, lines
        prefix = f"warning: {bad}: "
    else:
        assert status == 3
        assert lines[1:] == [f"error: 1 of 2 files refused, the others imported: {bad}"]
        prefix = f"error: {bad}: "
    assert lines[0].startswith(prefix), lines[0]
    assert re.search(expected, lines[0][len(prefix):]), lines[0]


def test_not_utf8_is_refused(archive, tmp_path, capsys):
    bad = tmp_path / "2026-05-29.yaml"
    bad.write_bytes(PAPER.encode().replace(b"title: T", b"title: \xff\xfe"))
    before = snapshot(archive)
    assert main(["-q", "import", "--listings", str(archive), str(bad)]) == 1
    assert snapshot(archive) == before
    assert f"error: {bad}: not UTF-8 text (byte " in capsys.readouterr().err


def test_a_real_process_names_the_problem(archive, tmp_path):
    bad = tmp_path / "2026-08-20.json"
    bad.write_text(json.dumps(entry(upvotes=-3)), encoding="utf-8")
    command = [sys.executable, str(REPO / "scripts" / "archive.py"), "import", "--listings",
               str(archive), str(bad)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert (f"warning: {bad}: paper 2608.16590 (#1): paper.upvotes: expected a number of 0 or "
            f"more, got -3; left out") in result.stderr
    listing = listing_io.load_listing(archive / "2026" / "2026-08-20.yaml")
    assert [(p.id, p.upvotes) for p in listing.papers] == [("2608.16590", None)]
    # A file with nothing usable in it: exit 1, nothing written.
    bad.write_text(json.dumps(entry(id="../x")), encoding="utf-8")
    before = snapshot(archive)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert snapshot(archive) == before
    assert "Traceback" not in result.stderr


def test_keep_going_over_a_mixed_batch(archive, tmp_path, capsys):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "2026-08-20.json").write_bytes((HF / "2026-08-20.json").read_bytes())
    (inputs / "2026-05-29.yaml").write_bytes(SITE_LISTING.read_bytes())
    bad = {}
    for case in ("JSON string at top level", "YAML truncated", "page impossible date"):
        name, text, _expected = CASES[case]
        path = inputs / f"bad-{name}"
        path.write_text(text, encoding="utf-8")
        bad[case] = path
    capsys.readouterr()
    assert main(["import", "--keep-going", "--listings", str(archive), str(inputs)]) == 3
    days = {listing.date.isoformat() for listing in listing_io.load_archive(archive)}
    assert days == {"2025-06-25", "2026-05-29", "2026-08-20"}
    err = capsys.readouterr().err
    for path in bad.values():
        assert f"error: {path}: " in err
    assert "3 of 5 files refused, the others imported: " in err
    assert main(["validate", "--listings", str(archive)]) == 0
