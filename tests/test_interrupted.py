"""Killed part-way: real processes interrupted with SIGKILL, then run again.

An import is stopped while it writes its second listing (after the data reached the temp file,
before the rename); a build is stopped while it saves its content cache. Each pause is made by
a small wrapper that patches one library call in the child process to signal the test and
wait, so the kill always lands at the same point.
Afterwards every listing must load, the untouched ones keep their bytes, the cache problem is
reported as a warning (plugins/archive_cache), and a rerun gives what an uninterrupted run does.
"""

from __future__ import annotations

import gzip
import pickle
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from archive_cache.archive_cache import cache_problem, remove_unreadable_caches
from hostile_archive import write_archive
from site_helpers import REPO, build_site, run_until_paused

from paperarchive import listing_io

HF = REPO / "tests" / "data" / "hf"
DAYS = ("2025-06-25", "2025-09-30", "2025-10-03", "2026-05-29")

pytestmark = pytest.mark.slow
GZIPPED = bool(runpy.run_path(str(REPO / "pelicanconf.py")).get("GZIP_CACHE", True))

# Runs `paperarchive.cli.main` with `os.fsync` pausing on its Nth call: the temp file of the
# Nth listing is written, not yet renamed into place, when the test kills the process.
IMPORT_WRAPPER = """
import os, sys, time
marker, pause_at = sys.argv[1], int(sys.argv[2])
real_fsync, calls = os.fsync, []
def fsync(fd):
    real_fsync(fd)
    calls.append(fd)
    if len(calls) == pause_at:
        open(marker, "w").close()
        time.sleep(120)
os.fsync = fsync
from paperarchive.cli import main
sys.exit(main(sys.argv[3:]))
"""

# Runs Pelican with its cache pickling paused half-way through the first cache file written.
BUILD_WRAPPER = """
import pickle, sys, time
import pelican.cache
marker = sys.argv[1]
def half_dump(obj, handle, *args, **kwargs):
    data = pickle.dumps(obj)
    handle.write(data[: len(data) // 2])
    handle.flush()
    open(marker, "w").close()
    time.sleep(120)
pelican.cache.pickle.dump = half_dump
from pelican import main
main(sys.argv[2:])
"""

# Runs Pelican with page writing paused half-way through the tenth page.
PAGE_WRAPPER = """
import sys, time
from archive_writer import archive_writer
marker, calls = sys.argv[1], []
real_write = archive_writer.AtomicFile.write
def half_write(self, text):
    calls.append(self.path)
    if len(calls) < 10:
        return real_write(self, text)
    real_write(self, text[: len(text) // 2])
    self.handle.flush()
    open(marker, "w").close()
    time.sleep(120)
archive_writer.AtomicFile.write = half_write
from pelican import main
main(sys.argv[2:])
"""


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def import_args(listings: Path, *files: Path) -> list[str]:
    return ["-q", "import", "--listings", str(listings), *map(str, files)]


def test_a_killed_import_leaves_valid_listings_and_a_rerun_recovers(tmp_path):
    from paperarchive.cli import main

    inputs = [HF / f"{day}.json" for day in DAYS]
    expected = tmp_path / "expected"
    assert main(import_args(expected, *inputs)) == 0  # what an uninterrupted import writes
    listings = tmp_path / "listings"
    assert main(import_args(listings, inputs[0])) == 0  # the archive before the batch
    before = snapshot(listings)

    code = IMPORT_WRAPPER
    run_until_paused(code, ["2", *import_args(listings, *inputs)], tmp_path / "paused",
                     tmp_path)

    after = snapshot(listings)
    written = {name for name, data in after.items() if before.get(name) != data}
    leftovers = [name for name in after if Path(name).name.startswith(".")]
    assert len(written) == 2  # one listing renamed into place, one temp file
    assert len(leftovers) == 1  # the half-done write is a hidden temp file, not a listing
    assert all(after[name] == data for name, data in before.items())  # old ones untouched
    archive = listing_io.load_archive(listings)  # and every listing loads
    assert len(archive) == 2
    assert main(["-q", "validate", "--listings", str(listings)]) == 0

    assert main(import_args(listings, *inputs)) == 0
    recovered = {name: data for name, data in snapshot(listings).items()
                 if not Path(name).name.startswith(".")}
    assert recovered == snapshot(expected)


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory) -> Path:
    """A finished build of the hostile archive: its work directory (cache/ and output/)."""
    workdir = tmp_path_factory.mktemp("clean")
    build_site(write_archive(workdir / "listings"), workdir)
    return workdir


def copy_build(source: Path, target: Path) -> Path:
    """A copy of a build's work directory whose settings point at the copy."""
    shutil.copytree(source, target)
    settings = target / "testconf.py"
    settings.write_text(settings.read_text(encoding="utf-8").replace(str(source), str(target)),
                        encoding="utf-8")
    return target


def rebuild(workdir: Path) -> subprocess.CompletedProcess[str]:
    """Pelican as `make html` runs it (warnings are logged, not fatal)."""
    return subprocess.run([sys.executable, "-m", "pelican", "--settings", "testconf.py"],
                          cwd=workdir, capture_output=True, text=True, check=False)


CORRUPTIONS = {
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "garbled": lambda data: data[:20] + bytes(b ^ 0x5A for b in data[20:]),
    "not a pickle": lambda data: gzip.compress(b"not a pickle"),
    "another object": lambda data: gzip.compress(pickle.dumps(["a", "list"])),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupted_cache_is_rebuilt_with_a_warning(clean_build, tmp_path, corruption):
    workdir = copy_build(clean_build, tmp_path / "build")
    cache = workdir / "cache" / "ArticlesGenerator-Readers"
    cache.write_bytes(CORRUPTIONS[corruption](cache.read_bytes()))
    result = rebuild(workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    if corruption != "not a pickle":  # Pelican itself warns about that one
        assert "archive_cache" in result.stdout + result.stderr
    assert cache_problem(cache, gzipped=GZIPPED) is None  # a fresh cache was written
    assert snapshot(workdir / "output") == snapshot(clean_build / "output")


def test_a_build_killed_while_saving_its_cache_recovers(clean_build, tmp_path):
    workdir = copy_build(clean_build, tmp_path / "build")
    shutil.rmtree(workdir / "cache")
    code = BUILD_WRAPPER
    run_until_paused(code, ["--settings", "testconf.py"], tmp_path / "paused", workdir)
    damaged = [p for p in (workdir / "cache").iterdir()
               if cache_problem(p, gzipped=GZIPPED) is not None]
    assert damaged  # the kill left a half-written cache file (archive_cache's temp file)
    result = rebuild(workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "archive_cache" in result.stdout + result.stderr
    assert snapshot(workdir / "output") == snapshot(clean_build / "output")
    second = rebuild(workdir)  # and the cache it wrote is good
    assert "archive_cache" not in second.stdout + second.stderr


def test_a_build_killed_while_writing_a_page_leaves_no_half_page(clean_build, tmp_path):
    workdir = copy_build(clean_build, tmp_path / "build")
    code = PAGE_WRAPPER
    run_until_paused(code, ["--settings", "testconf.py"], tmp_path / "paused", workdir)
    output = workdir / "output"
    pages = sorted(output.rglob("*.html"))
    temps = sorted(output.rglob(".*.tmp"))
    assert len(pages) == 9 and len(temps) == 1  # nine pages done, the tenth in its temp file
    for page in pages:
        assert page.read_bytes().rstrip().endswith(b"</html>"), page
    result = rebuild(workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot(output) == snapshot(clean_build / "output")  # the temp file is gone too


def test_remove_unreadable_caches_keeps_good_files_and_respects_settings(tmp_path):
    good = tmp_path / "ArticlesGenerator-Readers"
    good.write_bytes(gzip.compress(pickle.dumps({"a": 1})))
    bad = tmp_path / "PagesGenerator-Readers"
    bad.write_bytes(good.read_bytes()[:10])
    other = tmp_path / "topics.json"  # another plugin's cache: not ours to judge
    other.write_text('{"a": 1}', encoding="utf-8")
    settings = {"CACHE_PATH": str(tmp_path), "LOAD_CONTENT_CACHE": False, "GZIP_CACHE": True}
    assert remove_unreadable_caches(settings) == []  # not loading the cache: nothing to check
    assert remove_unreadable_caches({**settings, "LOAD_CONTENT_CACHE": True}) == [bad]
    assert good.exists() and not bad.exists()
    plain = tmp_path / "StaticGenerator"
    plain.write_bytes(pickle.dumps({"b": 2}))
    assert remove_unreadable_caches({**settings, "LOAD_CONTENT_CACHE": True,
                                     "GZIP_CACHE": False}) == [good]
    assert plain.exists() and other.exists()
