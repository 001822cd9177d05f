"""The daily workflow end to end: its own fetch, validate and build steps, in the order
`daily.yml` runs them, against a local fake of the HF API serving a 14-day window where each
day holds one of the ways the API (or an earlier run) goes wrong.

What a maintainer checks afterwards: the listings written, what was skipped and why (the
warnings, the GitHub annotations and the step summary), the exit codes, and that the built site
has every good paper. The steps' shell scripts are taken from daily.yml and run with bash, as
GitHub runs them, in a checkout-like folder whose `.venv/bin/python` is the test's Python.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from hf_fake_server import FakeHF

from paperarchive import listing_io

REPO = Path(__file__).resolve().parent.parent
HF = REPO / "tests" / "data" / "hf"
DAILY = REPO / ".github" / "workflows" / "daily.yml"
BUILD_INPUTS = ("Makefile", "pyproject.toml", "pelicanconf.py", "publishconf.py", "taxonomy.yaml",
                "requirements", "scripts", "paperarchive", "plugins", "theme")
TODAY = dt.datetime.now(dt.UTC).date()
WINDOW = [TODAY - dt.timedelta(days=n) for n in range(13, -1, -1)]  # --recent 14, oldest first


def recorded(name: str) -> list[dict]:
    return json.loads((HF / f"{name}.json").read_text(encoding="utf-8"))


def on_day(entries: list[dict], day: dt.date) -> list[dict]:
    """Recorded entries re-dated to `day` (the window moves with the clock)."""
    moved = copy.deepcopy(entries)
    for entry in moved:
        entry["paper"]["submittedOnDailyAt"] = f"{day}T08:00:00.000Z"
    return moved


def numbered(template: dict, count: int, prefix: str) -> list[dict]:
    """`count` distinct papers made from one recorded entry."""
    made = []
    for n in range(count):
        entry = copy.deepcopy(template)
        entry["paper"]["id"] = f"{prefix}{n:04d}"
        entry["title"] = f"{entry['title']} (part {n})"
        made.append(entry)
    return made


class Window:
    """The 14 days the fake API serves, and what the run must make of each."""

    def __init__(self) -> None:
        self.days: dict[dt.date, list[dict]] = {}
        self.good: dict[dt.date, set[str]] = {}  # the papers each day must list afterwards
        self.skipped: dict[str, str] = {}  # paper id -> what its warning must say
        self.refused: dict[dt.date, str] = {}  # day -> what its warning must say
        base = recorded("2026-05-29")  # 45 papers
        d = WINDOW

        # 0: one bad field or paper of each kind; the rest of the day is kept.
        day0 = on_day(base, d[0])
        day0[0]["paper"]["upvotes"] = 12.0  # repaired to 12
        day0[1]["paper"]["upvotes"] = -4  # dropped
        day0[2]["paper"]["authors"].append({"_id": "x", "hidden": False})  # author left out
        day0[3]["organization"] = {"name": 'evil"org', "fullname": "Quotes"}  # dropped
        day0[4]["title"] = "T" * 5000  # skipped
        day0[5].pop("summary", None)
        day0[5]["paper"].pop("summary", None)  # no abstract: skipped
        self.serve(d[0], day0, skip={day0[4]["paper"]["id"]: "title: is 5000 characters",
                                     day0[5]["paper"]["id"]: "summary: missing"})
        self.repaired = {day0[0]["paper"]["id"]: 12, day0[1]["paper"]["id"]: None}
        # 1: exactly 100 papers: a full page, then an empty one. Complete, not suspicious.
        self.serve(d[1], on_day(numbered(base[0], 100, "2605.9"), d[1]))
        # 2: a placeholder date in each direction; the papers are left out, never moved.
        day2 = on_day(recorded("2026-06-03"), d[2])
        day2[0]["paper"]["submittedOnDailyAt"] = "1970-01-01T00:00:00.000Z"
        day2[1]["paper"]["submittedOnDailyAt"] = "9999-12-31T00:00:00.000Z"
        self.serve(d[2], day2, skip={day2[0]["paper"]["id"]: "1970-01-01 is before arXiv",
                                     day2[1]["paper"]["id"]: "9999-12-31 is in the future"})
        # 3: a schema change: most entries unreadable. The whole day is refused.
        day3 = on_day(recorded("2026-08-20"), d[3])
        for entry in day3[:12]:
            entry["paper"]["authors"] = "renamed field"
        self.serve(d[3], day3, refuse="12 of 15 entries are invalid")
        # 4: a versioned id beside the bare id is one paper.
        day4 = on_day(recorded("2025-10-03")[:10], d[4])
        day4.append(copy.deepcopy(day4[0]))
        day4[-1]["paper"]["id"] += "v2"
        self.serve(d[4], day4)
        self.good[d[4]].discard(day4[-1]["paper"]["id"])
        self.second_copy = day4[0]["paper"]["id"]
        # 5: a weekend: nothing listed (allowed).
        self.serve(d[5], [])
        # 6: an entry dated 5 days away from the day asked for (the API shifted): left out.
        day6 = on_day(recorded("2025-12-11")[:10], d[6])
        day6[0]["paper"]["submittedOnDailyAt"] = f"{d[1]}T08:00:00.000Z"
        self.serve(d[6], day6, skip={day6[0]["paper"]["id"]: "5 days from the day asked for"})
        # 7: the API answers 404 for this day: not fetched, every other day still written.
        self.days[d[7]] = []
        self.refused[d[7]] = "not fetched: HTTP 404"
        # 8-13: ordinary days (the first requests meet a cut body and a garbled status line).
        for n, name in zip(range(8, 14), ("2024-05-27", "2024-06-12", "2024-09-16",
                                          "2025-03-17", "2025-06-25", "2025-09-30"),
                           strict=True):
            self.serve(d[n], on_day(recorded(name), d[n]))

    def serve(self, day: dt.date, entries: list[dict], skip: dict[str, str] | None = None,
              refuse: str | None = None) -> None:
        self.days[day] = entries
        if refuse:
            self.refused[day] = refuse
            return
        skip = skip or {}
        self.skipped.update(skip)
        self.good[day] = {e["paper"]["id"] for e in entries} - set(skip)


def checkout(tmp_path: Path) -> Path:
    """A checkout-like folder: the build's inputs linked from the repository, a `.venv` whose
    python and pelican are the test's, marked installed so `make` does not reinstall."""
    root = tmp_path / "checkout"
    root.mkdir()
    for name in BUILD_INPUTS:
        (root / name).symlink_to(REPO / name)
    venv = Path(sys.executable).parent
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("python", "pelican"):
        shim = bin_dir / tool
        shim.write_text(f'#!/bin/sh\nexec "{venv / tool}" "$@"\n')
        shim.chmod(0o755)
    (root / ".venv" / ".site-installed").touch()
    return root


def step(job: dict, needle: str) -> str:
    (found,) = [s for s in job["steps"] if needle in s.get("run", "")]
    return found["run"]


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    # GitHub runs `run:` blocks with `bash -e {0}`.
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False)


def seed_archive(root: Path, window: Window) -> tuple[str, str]:
    """What earlier runs left behind: a paper of day 0 moved to 1970-01-01 by a broken API, and
    an older paper on two days (an import killed while moving it to its earlier day)."""
    listings = root / "content" / "listings"
    placeholder_paper = window.days[WINDOW[0]][10]["paper"]["id"]
    old = listings / "1970" / "1970-01-01.yaml"
    old.parent.mkdir(parents=True)
    old.write_text(f"date: 1970-01-01\npapers:\n  - id: '{placeholder_paper}'\n    title: T\n"
                   f"    authors: []\n    abstract: A.\n", encoding="utf-8")
    twice = "2601.00001"
    for day in (TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=20)):
        path = listing_io.listing_path(listings, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"date: {day}\npapers:\n  - id: '{twice}'\n    title: Twice\n"
                        f"    authors: [A]\n    abstract: On two days.\n", encoding="utf-8")
    return placeholder_paper, twice


def test_the_daily_run_writes_every_good_paper_and_says_what_it_left_out(tmp_path):
    workflow = yaml.safe_load(DAILY.read_text(encoding="utf-8"))
    update, build = workflow["jobs"]["update"], workflow["jobs"]["build"]
    root = checkout(tmp_path)
    window = Window()
    placeholder_paper, twice = seed_archive(root, window)
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    with FakeHF() as fake:
        for day, entries in window.days.items():
            fake.days[day.isoformat()] = entries
        fake.day_failures[WINDOW[7].isoformat()] = 404
        fake.failures = ["incomplete", "garbled"]
        env = {"PATH": os.environ["PATH"], "HF_API_URL": fake.url, "SINCE": "", "UNTIL": "",
               "RECENT_DAYS": workflow["env"]["RECENT_DAYS"], "GITHUB_ACTIONS": "true",
               "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary)}
        fetched = run_step(step(update, "archive.py fetch"), root, env)
        requested = [r["date"] for r in fake.requests]
    validated = run_step(step(update, "archive.py validate"), root, env)
    built = run_step(step(build, "make publish"), root,
                     {**env, "SITEURL": "https://example.org/papers"})

    # Exit codes: the fetch exits 3 (a day refused, a day not fetched), the step goes on.
    assert fetched.returncode == 0, fetched.stderr
    assert outputs.read_text() == "status=3\n"
    assert "::error title=Some days look wrong::" in fetched.stdout
    assert validated.returncode == 0, validated.stderr
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]

    # Every day was asked for; a day of exactly 100 papers ends with an empty page.
    assert sorted(set(requested)) == [d.isoformat() for d in WINDOW]
    assert requested.count(WINDOW[1].isoformat()) == 2
    err = fetched.stderr
    assert "Traceback" not in err
    assert "the response was cut short (IncompleteRead)" in err
    assert "a garbled HTTP status line (BadStatusLine)" in err
    assert "may be truncated" not in err

    # The listings: every good paper on its day; refused and failed days not written.
    archive = {listing.date: listing for listing in listing_io.load_archive(
        root / "content" / "listings")}
    for day, ids in window.good.items():
        listed = {paper.id for paper in archive[day].papers} if day in archive else set()
        assert listed == ids, day
    for day in window.refused:
        assert day not in archive
    day0 = {paper.id: paper for paper in archive[WINDOW[0]].papers}
    for paper_id, upvotes in window.repaired.items():
        assert day0[paper_id].upvotes == upvotes
    assert len(archive[WINDOW[4]].papers) == 10  # 11 entries: the v2 is the same paper

    # Earlier damage healed: the paper dated 1970 is back on its day, the 1970 file is gone,
    # and the paper on two days is on its first day only.
    assert placeholder_paper in day0
    assert dt.date(1970, 1, 1) not in archive
    assert [day for day, listing in archive.items()
            if twice in {p.id for p in listing.papers}] == [TODAY - dt.timedelta(days=30)]

    # What was left out, and why: one warning line each, as annotations on the day's file.
    lines = err.splitlines()
    for paper_id, why in window.skipped.items():
        (line,) = [line for line in lines if f"paper {paper_id} " in line
                   and line.endswith("(paper skipped)")]
        assert line.startswith("warning: ") and why in line, line
    for day, why in window.refused.items():
        (line,) = [line for line in lines if line.startswith(f"warning: {day}: ")]
        assert why in line, line
    assert (f"warning: {WINDOW[4]}: paper {window.second_copy} (#11): id: listed twice (also "
            f"paper #1); the first is kept (paper skipped)") in lines
    annotations = [line for line in fetched.stdout.splitlines() if line.startswith("::warning")]
    refused_day = listing_io.listing_path(Path("content/listings"), WINDOW[3])
    assert any(line.startswith(f"::warning file={refused_day},title=archive.py fetch::")
               and "12 of 15 entries are invalid" in line for line in annotations)
    assert len(annotations) == len([line for line in lines if line.startswith("warning: ")])
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### archive.py fetch: exit 3\n")
    for paper_id in window.skipped:
        assert paper_id in text

    # The built site has a page for every good paper, and none for what was left out.
    output = root / "output"
    good = set().union(*window.good.values())
    missing = [i for i in good if not (output / "papers" / i / "index.html").exists()]
    assert missing == []
    for paper_id in window.skipped:
        if paper_id not in good:
            assert not (output / "papers" / paper_id).exists()
    for entry in window.days[WINDOW[3]]:
        assert not (output / "papers" / entry["paper"]["id"]).exists()
    assert (output / f"{WINDOW[1]:%Y/%m/%d}" / "index.html").exists()
    # `make publish` indexed every paper page for search.
    bundle = json.loads((output / "pagefind" / "bundle.json").read_text(encoding="utf-8"))
    assert bundle["pages"] == len(list(output.glob("papers/*/index.html"))) > 0
