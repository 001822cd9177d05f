"""Paper pages rendered by several processes (plugins/archive_writer, ARCHIVE_WRITER): the same
site, byte for byte, as one process writes, and the same incremental rebuilds after it.

The fixture archive is small, so `batch` is lowered to 1 page per process to make the builds
fork; the real default only forks for hundreds of pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_helpers import assert_same_site, build_site, counts, pages_of, split_last_day

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("wide_log")]

FORKED = {"PAGEFIND_INDEX": {"enabled": False}, "ARCHIVE_WRITER": {"processes": 3, "batch": 1}}
ONE = {"PAGEFIND_INDEX": {"enabled": False}, "ARCHIVE_WRITER": {"processes": 1}}
FORK_RE = re.compile(r"archive_writer: (\d+) paper pages written by (\d+) processes")


def forks(workdir: Path) -> list[tuple[int, int]]:
    log = (workdir / "pelican.log").read_text(encoding="utf-8")
    return [(int(pages), int(processes)) for pages, processes in FORK_RE.findall(log)]


def test_pages_written_by_three_processes_equal_one_process_and_rebuild_incrementally(tmp_path):
    before, after = split_last_day(tmp_path)

    forked = build_site(after, tmp_path / "forked", settings=FORKED)
    single = build_site(after, tmp_path / "single", settings=ONE)
    assert_same_site(forked, single)
    [(written, processes)] = forks(tmp_path / "forked")
    assert processes == 3 and written == len(list((forked / "papers").glob("*/index.html")))
    assert forks(tmp_path / "single") == []
    assert counts(tmp_path / "forked") == counts(tmp_path / "single") == (pages_of(single), 0, 0)

    # Incremental after a forked build: the manifest knows the children's pages, so a
    # rebuild with nothing changed renders nothing, and a new day equals a clean build.
    daily = tmp_path / "daily"
    build_site(before, daily, settings=FORKED)
    build_site(before, daily, settings=FORKED)
    assert counts(daily) == (0, pages_of(daily / "output"), 0)
    rebuilt = build_site(after, daily, settings=FORKED)
    assert_same_site(rebuilt, single)
    rendered, skipped, removed = counts(daily)
    assert rendered > 0 and skipped > 0 and removed == 0
