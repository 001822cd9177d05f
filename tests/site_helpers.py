"""What more than one test module uses: building a site into a temporary folder and reading
its pages, comparing two builds, killing a child process at a pause, serving a folder over
http, and where Chromium is.

Test modules import helpers from here (and fixtures only from `conftest.py`), never from one
another. Everything is written under the given work directory, never the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from paperarchive.listing_io import load_archive
from paperarchive.render import render_archive
from paperarchive.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
FIXTURE_ARCHIVE = DATA / "site_archive"
FIXTURE_TAXONOMY = DATA / "site_taxonomy.yaml"
# Small enough that the fixture's biggest topic spans several pages.
FIXTURE_PAGE_SIZE = 2
# The fixture's busiest organisation has 2 papers: with this, it gets a feed and the others
# (1 paper each) do not.
FIXTURE_ORG_MIN_PAPERS = 2
FIXTURE_SETTINGS = {"ARCHIVE_PAGES": {"page_size": FIXTURE_PAGE_SIZE},
                    "ARCHIVE_FEEDS": {"org_min_papers": FIXTURE_ORG_MIN_PAPERS}}


def build_site(
    listings: Path,
    workdir: Path,
    *,
    taxonomy: Path = FIXTURE_TAXONOMY,
    settings: dict[str, Any] | None = None,
    conf: str = "pelicanconf",
    topic_cache: bool = False,
) -> Path:
    """Render `listings` and run Pelican with the repository's settings; return output/.

    `settings` override the repository's settings (values must have a Python `repr`);
    `conf` is the settings module to start from (`pelicanconf` or `publishconf`);
    `topic_cache` keeps the render's topic cache in `workdir/cache/`, as `make render` does.
    Pelican's log is kept in `workdir/pelican.log`.
    """
    content = workdir / "content"
    output = workdir / "output"
    cache = workdir / "cache" / "render" / "topics.json" if topic_cache else None
    render_archive(load_archive(listings), content / "papers", load_taxonomy(taxonomy),
                   topic_cache=cache)
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(workdir / "cache"),
        **(settings or {}),
    }
    lines = [
        f"from {conf} import *  # noqa: F403",
        *(f"{name} = {value!r}" for name, value in overrides.items()),
    ]
    settings_file = workdir / "testconf.py"
    settings_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "--settings", str(settings_file), "--fatal", "warnings",
         "--verbose"],
        cwd=workdir, capture_output=True, text=True, check=False,
    )
    (workdir / "pelican.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        raise RuntimeError(f"pelican failed ({result.returncode}):\n{result.stdout}\n"
                           f"{result.stderr}")
    return output


def page_path(output: Path, url: str) -> Path:
    """The file behind a site-relative URL (`2026/05/29/` -> output/2026/05/29/index.html)."""
    url = url.lstrip("/")
    return output / url / "index.html" if url == "" or url.endswith("/") else output / url


def parse_page(output: Path, url: str) -> lxml.html.HtmlElement:
    """The parsed HTML of the page at `url`."""
    path = page_path(output, url)
    return lxml.html.fromstring(path.read_bytes(), base_url=f"http://site.test/{url}")




LOG_RE = re.compile(r"archive_writer: (\d+) pages rendered, (\d+) unchanged and skipped, "
                    r"(\d+) stale files removed")


def tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def counts(workdir: Path) -> tuple[int, int, int]:
    """(rendered, skipped, removed) from the last build's log line."""
    found = LOG_RE.findall((workdir / "pelican.log").read_text(encoding="utf-8"))
    assert len(found) == 1, (workdir / "pelican.log").read_text(encoding="utf-8")
    return tuple(int(n) for n in found[0])


def assert_same_site(rebuilt: Path, clean: Path) -> None:
    rebuilt_tree, clean_tree = tree(rebuilt), tree(clean)
    assert sorted(rebuilt_tree) == sorted(clean_tree)
    assert [name for name in clean_tree if rebuilt_tree[name] != clean_tree[name]] == []


def pages_of(output: Path) -> int:
    return len(list(output.rglob("*.html")))


def split_last_day(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture listings without their last day (`before`) and whole (`after`)."""
    days = sorted(FIXTURE_ARCHIVE.rglob("*.yaml"))
    before, after = tmp_path / "before", tmp_path / "after"
    for path in days:
        for target in ((before, after) if path != days[-1] else (after,)):
            (target / path.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / path.parent.name / path.name)
    return before, after


def run_until_paused(code: str, args: list[str], marker: Path, cwd: Path) -> None:
    """Start `code` in a child Python, wait for it to reach its pause, then SIGKILL it."""
    process = subprocess.Popen([sys.executable, "-c", code, str(marker), *args], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"the child exited ({process.returncode}) before its pause:\n"
                            f"{output}")
            if time.monotonic() > deadline:
                pytest.fail("the child never reached its pause")
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
        if process.stdout:
            process.stdout.close()
    assert process.returncode == -signal.SIGKILL
