#!/usr/bin/env python3
"""Benchmark the whole build on synthetic archives: `make bench` (or `BENCH_SIZES=1000`).

For each size N it writes a synthetic archive as Hugging Face API JSON (one file a day, about
30 papers a day), then runs every stage as its own subprocess and prints, per stage, the wall
time, the peak memory (the largest total of the stage's process tree at any moment: the
proportional set size of every process in it, sampled every 50 ms from /proc, so processes that
run side by side, such as Pelican and Pagefind, count together and forked processes' shared
pages once; never less than the largest single process from `os.wait4`), the bytes and files
the stage wrote, and the time per paper:

- import: `archive.py import` of the JSON days into YAML listings;
- render: `archive.py render` of the listings into Markdown articles;
- pelican: Pelican with the repository's settings and plugins, search left out (the feeds run
  inside Pelican: their time is measured there and taken out of this row). It builds the hosted
  site, as `make publish` does: `publishconf.py` with SITEURL = `SITE_URL`, so the bytes are
  what gets deployed (canonical links, og:url and JSON-LD urls are absolute there);
- feeds: the `archive_feeds` plugin's share of the Pelican run (its memory is Pelican's);
- search: the Pagefind index of the built site (`scripts/search_index.py`, one bundle, kept
  in cache/search/ and reused when no paper page changed); with `--search-in-pelican` it runs
  inside Pelican, at the end of the run, as `make html` runs it, and is counted in the pelican
  row. (`scripts/search_bench.py` measures what search costs a reader and how well it ranks.)

Then the daily rebuild: one more day is added to the largest archive and every stage runs
again with exactly what the daily workflow (.github/workflows/daily.yml) restores and nothing
more: `cache/` (Pelican's content cache, the topic cache, the page manifest, the search
bundle), `output/` (the previous site) and `content/papers/` (the rendered Markdown, mtimes
kept), plus the listings, which CI has from its checkout (`ci_restore` deletes the rest). It
prints how many pages the rebuild rendered and skipped. Last, the same largest archive is built with
stock Pelican settings (Pelican's own article, tag and period generators and writer, its
built-in Markdown reader and `simple` theme, its own feeds) plus one Pagefind run over the
paper pages, and the ratio is printed.

Everything is written under bench-out/ (git-ignored). Nothing here is part of `make test`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from paperarchive.model import Listing, Paper
from paperarchive.synthetic import (
    DEFAULT_PAPERS_PER_DAY,
    SyntheticSpec,
    default_vocabulary,
    generate_listings,
)
from pelicanconf import PAGEFIND_INDEX

REPO = Path(__file__).resolve().parent.parent

PYTHON = sys.executable
DEFAULT_SIZES = (1_000, 10_000, 40_000)
STAGES = ("import", "render", "pelican", "feeds", "search")
# The hosted build's address (a project site on GitHub Pages): the size of what is deployed.
SITE_URL = "https://example.github.io/paper-archive"


@dataclasses.dataclass
class Stage:
    name: str
    seconds: float
    peak_mb: float | None  # None: measured as part of another stage's process
    cpu: float  # user + system seconds of the stage's processes
    bytes: int
    files: int


# --- synthetic input ----------------------------------------------------------------------

def hf_entry(paper: Paper, day: dt.date) -> dict:
    """The Daily Papers API entry that imports back into `paper` on `day`."""
    inner: dict = {
        "id": paper.id,
        "authors": [{"name": name} for name in paper.authors],
        "publishedAt": f"{paper.published.isoformat()}T00:00:00.000Z" if paper.published
        else None,
        "submittedOnDailyAt": f"{day.isoformat()}T12:00:00.000Z",
        "summary": paper.abstract,
        "upvotes": paper.upvotes,
        "ai_summary": paper.ai_summary,
        "ai_keywords": list(paper.keywords),
        "githubRepo": paper.github,
        "githubStars": paper.github_stars,
    }
    entry: dict = {
        "paper": {key: value for key, value in inner.items() if value is not None},
        "title": paper.title,
        "summary": paper.abstract,
        "numComments": paper.comments,
    }
    if paper.organization is not None:
        entry["organization"] = {"name": paper.organization.name,
                                 "fullname": paper.organization.fullname}
    return entry


# Synthetic days fall between these two: not before Daily Papers began (May 2023) and not in
# the future, which `import` refuses as placeholder dates. Past about 36,000 papers the days
# hold more than 30 papers each (40,000 papers: 34 a day), to fit.
BENCH_START = dt.date(2023, 6, 1)
BENCH_END = dt.date(2026, 9, 30)


def synthetic_days(papers: int, extra_days: int = 1) -> tuple[list[Listing], list[Listing]]:
    """About `papers` papers of whole days, and `extra_days` more days after them."""
    total = papers + 200 * (extra_days + 1)
    span = (BENCH_END - BENCH_START).days
    spec = SyntheticSpec(papers=total, start=BENCH_START,
                         per_day=max(DEFAULT_PAPERS_PER_DAY, -(-total // span)))
    base: list[Listing] = []
    extra: list[Listing] = []
    count = 0
    for listing in generate_listings(spec, default_vocabulary()):
        if count + len(listing.papers) <= papers or not base:
            base.append(listing)
            count += len(listing.papers)
        elif len(extra) < extra_days:
            extra.append(listing)
        else:
            break
    return base, extra


def write_api_days(folder: Path, listings: Sequence[Listing]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for listing in listings:
        entries = [hf_entry(paper, listing.date) for paper in listing.papers]
        (folder / f"{listing.date.isoformat()}.json").write_text(
            json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")


# --- running and measuring ------------------------------------------------------------------

def tree_memory_mb(root: int) -> float:
    """The memory of process `root` and its descendants now, in MB: the sum of their
    proportional set sizes (shared pages split between the processes sharing them), or of
    their resident sets where /proc has no smaps_rollup."""
    children: dict[int, list[int]] = {}
    resident: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()  # after "pid (command) "
        children.setdefault(int(fields[1]), []).append(int(entry))
        resident[int(entry)] = int(fields[21]) * page
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        pending += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                pss = next(line for line in handle if line.startswith(b"Pss:"))
            total += int(pss.split()[1]) * 1024
        except (OSError, StopIteration):
            total += resident.get(pid, 0)
    return total / 2**20


def run_measured(command: Sequence[str], log: Path,
                 env: dict | None = None) -> tuple[float, float, float]:
    """Run `command`; return (wall seconds, peak memory in MB, CPU seconds) of it and its
    descendants."""
    start = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(map(str, command))}\n")
        out.flush()
        process = subprocess.Popen(list(map(str, command)), stdout=out, stderr=subprocess.STDOUT,
                                   cwd=REPO, env={**os.environ, **(env or {})})
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                try:
                    peak[0] = max(peak[0], tree_memory_mb(process.pid))
                except (OSError, ValueError, IndexError):
                    continue  # a process ended while it was read: the next sample counts

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4 reports the child's own peak RSS, or its largest reaped descendant's.
        _pid, status, usage = os.wait4(process.pid, 0)
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"bench: {command[0]} failed with exit {process.returncode}; see {log}")
    return seconds, max(peak[0], usage.ru_maxrss / 1024), usage.ru_utime + usage.ru_stime


def tree_size(path: Path, exclude: Sequence[Path] = ()) -> tuple[int, int]:
    """(bytes, files) under `path`, leaving out the folders in `exclude`."""
    total = files = 0
    skip = {str(p) for p in exclude}
    for folder, subfolders, names in os.walk(path):
        subfolders[:] = [s for s in subfolders if os.path.join(folder, s) not in skip]
        for name in names:
            total += os.path.getsize(os.path.join(folder, name))
            files += 1
    return total, files


def pages_artifact_size(path: Path) -> int:
    """Bytes of the tar that deploying `path` to GitHub Pages uploads (actions/upload-pages-artifact
    runs `tar -cf` over the folder), the size GitHub Pages checks against its 1 GB limit: a
    512-byte header per file and folder (a path over 100 bytes adds a long-name entry), each
    file padded to 512 bytes, two zero blocks at the end, all padded to 10,240-byte records."""
    def blocks(size: int) -> int:
        return -(-size // 512) * 512

    def header(entry: str) -> int:
        length = len(entry.encode())
        return 512 + (512 + blocks(length + 1) if length > 100 else 0)

    total = 1024
    for folder, _subfolders, names in os.walk(path):
        relative = os.path.relpath(folder, path)
        prefix = "./" if relative == "." else f"./{relative}/"
        total += header(prefix)
        for name in names:
            total += header(prefix + name) + blocks(os.path.getsize(os.path.join(folder, name)))
    return -(-total // 10240) * 10240


def write_settings(work: Path, base: str, overrides: dict) -> Path:
    lines = ["import os",
             f"os.environ['SITEURL'] = {SITE_URL!r}  # read by publishconf.py",
             f"from {base} import *  # noqa: F403",
             *(f"{name} = {value!r}" for name, value in overrides.items()),
             # Time the feeds: they run on `all_generators_finalized` (this receiver is
             # connected before any plugin's, so it fires first) and Pelican asks for its writer
             # (`get_writer`) right after that signal.
             "import json as _json, time as _time",
             "from pelican import signals as _signals",
             "_marks = {}",
             "def _feeds_start(_generators): _marks['start'] = _time.perf_counter()",
             "def _feeds_end(_pelican):",
             "    _now = _time.perf_counter()",
             "    _marks['seconds'] = _now - _marks.get('start', _now)",
             f"    open({str(work / 'feeds-time.json')!r}, 'w').write(_json.dumps(_marks))",
             "_signals.all_generators_finalized.connect(_feeds_start)",
             "_signals.get_writer.connect(_feeds_end)"]
    path = work / f"{base}_bench.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(work: Path, api: Path, log: Path, search_in_pelican: bool = False) -> list[Stage]:
    """Run import, render, Pelican (+feeds) and search for the archive in `work`."""
    listings, content, output = work / "listings", work / "content", work / "output"
    stages = []
    seconds, peak, cpu = run_measured([PYTHON, "scripts/archive.py", "-q", "import", api,
                                       "--listings", listings, "--listing-cache",
                                       work / "cache" / "render" / "listings.json"], log)
    stages.append(Stage("import", seconds, peak, cpu, *tree_size(listings)))
    seconds, peak, cpu = run_measured([PYTHON, "scripts/archive.py", "render", "--listings",
                                       listings, "--papers", content / "papers",
                                       "--topic-cache",
                                       work / "cache" / "render" / "topics.json"], log)
    stages.append(Stage("render", seconds, peak, cpu, *tree_size(content / "papers")))
    settings = write_settings(work, "publishconf", {
        "PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(work / "cache"),
        # With --search-in-pelican the plugin indexes as `make html` does; the "pelican" row
        # then includes search (its own row is 0 s).
        "PAGEFIND_INDEX": {**PAGEFIND_INDEX, "enabled": search_in_pelican},
    })
    feeds_file = work / "feeds-time.json"
    feeds_file.unlink(missing_ok=True)
    seconds, peak, cpu = run_measured([PYTHON, "-m", "pelican", "--settings", settings], log)
    feeds_seconds = json.loads(feeds_file.read_text())["seconds"] if feeds_file.exists() else 0.0
    search_dir = output / "pagefind"
    stages.append(Stage("pelican+search" if search_in_pelican else "pelican",
                        seconds - feeds_seconds, peak, cpu - feeds_seconds,
                        *tree_size(output, exclude=[output / "feeds", search_dir])))
    stages.append(Stage("feeds", feeds_seconds, None, feeds_seconds, *tree_size(output / "feeds")))
    if search_in_pelican:
        stages.append(Stage("search", 0.0, None, 0.0, *tree_size(search_dir)))
        return stages
    seconds, peak, cpu = run_measured([PYTHON, "scripts/search_index.py", "--site", output,
                                  "--cache", work / "cache" / "search"], log)
    stages.append(Stage("search", seconds, peak, cpu, *tree_size(search_dir)))
    return stages


def build_stock(work: Path, content_from: Path, log: Path) -> list[Stage]:
    """Pelican with stock settings over the same articles, then one Pagefind run."""
    content, output = work / "content", work / "output"
    if content.exists():
        shutil.rmtree(content)
    # Stock Pelican makes tag pages from `Tags:`; our articles name topics in `Topic:` lines.
    for source in sorted(content_from.rglob("*.md")):
        text = source.read_text(encoding="utf-8")
        header, _, body = text.partition("\n\n")
        topics = [line.split(" ", 2)[2] for line in header.splitlines()
                  if line.startswith("Topic: ")]
        tags = f"\nTags: {', '.join(t.replace(',', ' ') for t in topics)}" if topics else ""
        target = content / "papers" / source.relative_to(content_from)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(header + tags + "\n\n" + body, encoding="utf-8")
    settings = work / "stockconf.py"
    settings.write_text("\n".join([
        f"PATH = {str(content)!r}",
        f"OUTPUT_PATH = {str(output)!r}",
        "SITENAME = 'Daily Papers Archive'",
        "THEME = 'simple'",
        "TIMEZONE = 'UTC'",
        "ARTICLE_PATHS = ['papers']",
        "ARTICLE_URL = 'papers/{slug}/'",
        "ARTICLE_SAVE_AS = 'papers/{slug}/index.html'",
        "YEAR_ARCHIVE_SAVE_AS = '{date:%Y}/index.html'",
        "MONTH_ARCHIVE_SAVE_AS = '{date:%Y}/{date:%m}/index.html'",
        "DAY_ARCHIVE_SAVE_AS = '{date:%Y}/{date:%m}/{date:%d}/index.html'",
        "WITH_FUTURE_DATES = True",
        "",
    ]), encoding="utf-8")
    seconds, peak, cpu = run_measured([PYTHON, "-m", "pelican", "--settings", settings], log)
    stages = [Stage("pelican", seconds, peak, cpu,
                    *tree_size(output, exclude=[output / "feeds", output / "pagefind"])),
              Stage("feeds", 0.0, None, 0.0, *tree_size(output / "feeds"))]
    from pagefind_bin import get_executable
    seconds, peak, cpu = run_measured([get_executable(), "--site", output, "--glob",
                                  "papers/**/*.html", "--output-path", output / "pagefind"],
                                 log, env={"NO_COLOR": "1"})
    stages.append(Stage("search", seconds, peak, cpu, *tree_size(output / "pagefind")))
    return stages


# --- the daily rebuild -----------------------------------------------------------------------

# What the build job of .github/workflows/daily.yml restores (its actions/cache `path`), and
# the listings, which come with the checkout. Keep in step with the workflow.
CI_RESTORED = ("cache", "output", "content/papers", "listings")


def ci_restore(work: Path) -> None:
    """Leave in `work` only the build state a daily CI run starts with (CI_RESTORED); the
    bench's own inputs (api/, api-day/), settings and logs are files and folders it rewrites."""
    keep = set(CI_RESTORED) | {"content", "api", "api-day"}
    for path in sorted(work.iterdir()):
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path)
    for path in sorted((work / "content").iterdir()):
        if f"content/{path.name}" not in CI_RESTORED:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def page_counts(work: Path) -> str:
    """The last Pelican run's pages rendered/skipped/removed, from archive_writer's manifest."""
    manifest = work / "cache" / "archive_writer" / "manifest.json"
    try:
        counts = json.loads(manifest.read_text(encoding="utf-8")).get("last_build", {})
    except (OSError, ValueError):
        return "pages: (no archive_writer manifest)"
    return (f"pages: {counts.get('rendered', 0):,} rendered, {counts.get('skipped', 0):,} "
            f"unchanged and skipped, {counts.get('removed', 0):,} stale files removed")


# --- reporting ------------------------------------------------------------------------------

def table(title: str, papers: int, stages: list[Stage]) -> str:
    total = Stage("total", sum(s.seconds for s in stages),
                  max((s.peak_mb or 0) for s in stages), sum(s.cpu for s in stages),
                  sum(s.bytes for s in stages if s.name not in ("import", "render")),
                  sum(s.files for s in stages if s.name not in ("import", "render")))
    rows = [f"{title}: {papers:,} papers",
            "| stage | wall s | cpu s | peak MB | output MB | files | ms/paper (wall) |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for stage in [*stages, total]:
        peak = f"{stage.peak_mb:,.0f}" if stage.peak_mb is not None else "(in pelican)"
        rows.append(f"| {stage.name} | {stage.seconds:.1f} | {stage.cpu:.1f} | {peak} | "
                    f"{stage.bytes / 1e6:,.1f} | {stage.files:,} | "
                    f"{1000 * stage.seconds / max(papers, 1):.2f} |")
    rows.append(f"site output (pages+feeds+search): {total.bytes / max(papers, 1):,.0f} bytes "
                f"per paper ({total.bytes / max(papers, 1) / 1000:.2f} KB of 1,000 bytes)")
    return "\n".join(rows)


def artifact_line(output: Path, papers: int) -> str:
    size = pages_artifact_size(output)
    per_paper = size / max(papers, 1)
    return (f"GitHub Pages artifact (the tar of output/ that deploying uploads): "
            f"{size / 1e6:,.1f} MB, {per_paper:,.0f} bytes per paper; "
            f"{100_000 * per_paper / 1e9:.2f} GB at 100,000 papers at that rate")


def count_papers(listings: Sequence[Listing]) -> int:
    return sum(len(listing.papers) for listing in listings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated archive sizes (default %(default)s)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out", help="work folder")
    parser.add_argument("--no-stock", action="store_true", help="skip the stock Pelican build")
    parser.add_argument("--search-in-pelican", action="store_true",
                        help="index inside the Pelican run, as `make html` does "
                             "(default: search as its own stage)")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(",") if size.strip())
    args.out.mkdir(parents=True, exist_ok=True)
    report = args.out / "report.md"
    report.write_text("", encoding="utf-8")

    def emit(text: str) -> None:
        print(text, flush=True)
        with report.open("a", encoding="utf-8") as out:
            out.write(text + "\n")

    emit(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    emit(f"sizes are the hosted build's: publishconf.py, SITEURL={SITE_URL}")
    results = {}
    for size in sizes:
        work = args.out / f"n{size}"
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        base, extra = synthetic_days(size)
        write_api_days(work / "api", base)
        papers = count_papers(base)
        stages = build(work, work / "api", work / "build.log", args.search_in_pelican)
        results[size] = (papers, stages)
        emit("\n" + table(f"full build, N={size}", papers, stages))
        emit(artifact_line(work / "output", papers))

        if size == sizes[-1]:
            write_api_days(work / "api-day", extra)
            emit(f"full build Pelican {page_counts(work)}")
            ci_restore(work)
            daily = build(work, work / "api-day", work / "daily.log", args.search_in_pelican)
            emit("\n" + table(f"daily rebuild: +1 day ({count_papers(extra)} papers) on N={size}"
                              f", with what CI restores", papers + count_papers(extra), daily))
            emit(artifact_line(work / "output", papers + count_papers(extra)))
            emit(f"daily rebuild Pelican {page_counts(work)}")
            if not args.no_stock:
                # Stock Pelican reads the same articles, the new day included.
                stock = build_stock(args.out / f"stock{size}", work / "content" / "papers",
                                    work / "stock.log")
                stock_papers = papers + count_papers(extra)
                emit("\n" + table(f"stock Pelican (simple theme) + one Pagefind run, "
                                  f"N={stock_papers}", stock_papers, stock))
                # The same stages on both sides: pages, feeds and search from the same articles.
                same = ("pelican", "pelican+search", "feeds", "search")
                for label, attribute in (("wall", "seconds"), ("cpu", "cpu")):
                    ours = sum(getattr(s, attribute) for s in stages if s.name in same)
                    theirs = sum(getattr(s, attribute) for s in stock if s.name in same)
                    emit(f"stock / ours, pelican+feeds+search {label}: {theirs:.1f} s / "
                         f"{ours:.1f} s = {theirs / ours:.1f}x")
    emit(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
