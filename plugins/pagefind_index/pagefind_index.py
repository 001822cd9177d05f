"""Search indexing: run the Pagefind binary over the built site, once, after every page exists.

Owns the `PAGEFIND_INDEX` settings, the Pagefind command line, and swapping the new bundle into
`<output>/pagefind/`. The index is split into shards (see `shards`): one complete Pagefind
bundle per closed listing year at `pagefind/<year>/`, and in the open year one per quarter
(`pagefind/2027-q2/`) or, in its newest quarter, per month (`pagefind/2027-08/`), listed
newest first in `pagefind/shards.json`, which
theme/static/js/search.js reads to merge them in the browser. Pagefind runs once per shard
whose pages changed, one shard after another, so peak memory is one shard's; an unchanged shard
is taken from the previous bundle (when output/ was kept) or from `<CACHE_PATH>/search/`, which
also keeps the page memo (`pages.json`: a page whose size and mtime did not change is not read
again to find its shard and digest).
It leaves what gets indexed to the theme: paper pages carry `data-pagefind-body` (plus filters,
sort keys and meta), so every other page is skipped. The binary comes from the `pagefind_bin`
wheel (`pagefind[bin]`): no npm and no download at build time.

Settings (all optional)::

    PAGEFIND_INDEX = {
        "enabled": True,          # False skips indexing (e.g. for quick autoreload builds)
        "bundle_dir": "pagefind", # where the bundle goes, relative to OUTPUT_PATH
        "force_language": "",     # ISO 639-1 code to index everything as one language
        "glob": "",               # which HTML files Pagefind reads (default: all of them)
        "extra_args": [],         # more Pagefind CLI arguments, passed through as given
        "reproducible": True,     # sort filter values so equal sites give equal bundles
        "shard_filter": "year",   # one bundle per value of this data-pagefind-filter
        "split_newest": "month",  # open year: months of its newest quarter, then quarters
                                  # ("quarter": quarters only; "none": one shard a year)
        "recent_days": 14,        # days a build fetches again: a quarter or year closes
                                  # (one shard) once the newest day is this far past it
        "early": False,           # True: start once the articles are written, alongside
                                  # the listing pages (at 40,000 papers on 2 CPUs: no
                                  # faster, and peak memory the same, 1.9 GB)
    }

Pagefind itself writes filter values in a random order (see `canonical`); with `reproducible`
each shard is rewritten in a fixed order, so two builds of the same site are byte-identical,
whether a shard was indexed again or reused.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from pelican import signals

from .canonical import UnexpectedBundle, canonicalize
from .shards import (
    MEMO,
    SPLITS,
    Shard,
    ShardError,
    link_tree,
    page_glob,
    read_manifest,
    read_page_memo,
    scan_site,
    write_manifest,
    write_page_memo,
)

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "bundle_dir": "pagefind",
    "force_language": "",
    "glob": "",
    "extra_args": [],
    "reproducible": True,
    "shard_filter": "year",
    "split_newest": "month",
    "recent_days": 14,
    "early": False,
}
CACHE_DIR = "search"  # under Pelican's CACHE_PATH: the previous build's shards
# Pagefind's own summary lines ("Indexed 120 pages"), logged at info level.
_SUMMARY_RE = re.compile(r"^\s*Indexed [0-9]+ \w+", re.MULTILINE)
_BUNDLE_DIR_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


class PagefindIndexError(RuntimeError):
    """The index could not be built: bad settings, a missing binary, or Pagefind failed."""


@dataclass(frozen=True)
class IndexOptions:
    enabled: bool = True
    bundle_dir: str = "pagefind"
    force_language: str = ""
    glob: str = ""
    extra_args: tuple[str, ...] = ()
    reproducible: bool = True
    shard_filter: str = "year"
    early: bool = False
    split_newest: str = "month"
    recent_days: int = 14


@dataclass(frozen=True)
class IndexStats:
    pages: int
    files: int
    bytes: int
    shards: int = 0
    indexed: tuple[str, ...] = ()


def read_options(settings: Mapping[str, Any]) -> IndexOptions:
    """Validate `settings["PAGEFIND_INDEX"]`; errors name the key."""
    raw = settings.get("PAGEFIND_INDEX") or {}
    if not isinstance(raw, Mapping):
        raise PagefindIndexError(f"PAGEFIND_INDEX: expected a dict, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise PagefindIndexError(
            f"PAGEFIND_INDEX: unknown key(s) {', '.join(map(str, unknown))}; "
            f"known keys: {', '.join(DEFAULTS)}"
        )
    merged = {**DEFAULTS, **raw}
    for flag in ("enabled", "reproducible", "early"):
        if not isinstance(merged[flag], bool):
            raise PagefindIndexError(f"PAGEFIND_INDEX[{flag!r}]: expected True or False")
    bundle_dir = merged["bundle_dir"]
    if not isinstance(bundle_dir, str) or not _BUNDLE_DIR_RE.match(bundle_dir):
        raise PagefindIndexError(
            f"PAGEFIND_INDEX['bundle_dir']: expected one folder name, got {bundle_dir!r}"
        )
    language = merged["force_language"]
    if not isinstance(language, str) or (language and not re.fullmatch(r"[a-z]{2}", language)):
        raise PagefindIndexError(
            f"PAGEFIND_INDEX['force_language']: expected an ISO 639-1 code, got {language!r}"
        )
    glob = merged["glob"]
    if not isinstance(glob, str) or glob.startswith("/") or ".." in glob.split("/"):
        raise PagefindIndexError(
            f"PAGEFIND_INDEX['glob']: expected a pattern inside the site, got {glob!r}"
        )
    extra = merged["extra_args"]
    if isinstance(extra, str) or not isinstance(extra, Sequence) or not all(
        isinstance(arg, str) for arg in extra
    ):
        raise PagefindIndexError("PAGEFIND_INDEX['extra_args']: expected a list of strings")
    shard_filter = merged["shard_filter"]
    if not isinstance(shard_filter, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", shard_filter):
        raise PagefindIndexError(
            f"PAGEFIND_INDEX['shard_filter']: expected a filter name, got {shard_filter!r}"
        )
    split = merged["split_newest"]
    if split not in SPLITS:
        raise PagefindIndexError(
            f"PAGEFIND_INDEX['split_newest']: expected one of {', '.join(SPLITS)}, got {split!r}"
        )
    recent = merged["recent_days"]
    if type(recent) is not int or not 0 <= recent <= 366:
        raise PagefindIndexError(
            f"PAGEFIND_INDEX['recent_days']: expected a number of days (0-366), got {recent!r}"
        )
    return IndexOptions(merged["enabled"], bundle_dir, language, glob, tuple(extra),
                        merged["reproducible"], shard_filter, merged["early"], split, recent)


def find_executable() -> Path:
    """The `pagefind` binary shipped in the `pagefind_bin` wheel."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise PagefindIndexError(
            "the pagefind binary is missing: install pagefind[bin] "
            "(pip install -r requirements/site.in -c requirements/constraints.txt)"
        ) from None
    try:
        return get_executable()
    except FileNotFoundError as exc:
        raise PagefindIndexError(f"the pagefind_bin wheel has no binary: {exc}") from None


def pagefind_command(
    executable: Path, site: Path, bundle: Path, options: IndexOptions
) -> list[str]:
    """The Pagefind command line that indexes `site` into the folder `bundle`."""
    command = [str(executable), "--site", str(site), "--output-path", str(bundle)]
    if options.force_language:
        command += ["--force-language", options.force_language]
    if options.glob:
        command += ["--glob", options.glob]
    return [*command, *options.extra_args]


def _pagefind_version() -> str:
    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"


# Pagefind's ready-made interfaces, which every bundle carries (about 420 KB a shard); the
# search page drives `pagefind.js` itself (theme/static/js/search.js), so they are removed.
UNUSED_ASSETS = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
                 "pagefind-modular-ui.css", "pagefind-component-ui.js",
                 "pagefind-component-ui.css", "pagefind-highlight.js")


def _recipe(options: IndexOptions, executable: Path) -> str:
    """What besides the pages decides a shard's bytes; part of every shard digest."""
    return json.dumps([_pagefind_version(), executable.name, options.force_language,
                       list(options.extra_args), options.reproducible, options.shard_filter,
                       UNUSED_ASSETS])


def run_pagefind(executable: Path, site: Path, bundle: Path, options: IndexOptions,
                 label: str, workdir: Path, glob: str = "") -> None:
    """Index the pages of `site` that `glob` matches (all, without one) into the new folder
    `bundle` (canonicalised).

    Pagefind runs in `workdir`, where the glob is handed over in a `pagefind.json` (its config
    file): the glob of a whole year's pages is longer than one command-line argument may be.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "pagefind.json"
    if glob:
        config.write_text(json.dumps({"glob": glob}), encoding="utf-8")
    else:
        config.unlink(missing_ok=True)
    command = pagefind_command(executable, site, bundle, replace(options, glob=""))
    log.debug("running %s%s", " ".join(command), f" (glob of {label})" if glob else "")
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=workdir,
        env={**os.environ, "NO_COLOR": "1"},
    )
    output = result.stdout + result.stderr
    if result.returncode != 0 or not bundle.is_dir():
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise PagefindIndexError(
            f"pagefind failed on {label} (exit {result.returncode}):\n{tail}"
        )
    for line in _SUMMARY_RE.findall(output):
        log.debug("pagefind %s: %s", label, line.strip())
    for name in UNUSED_ASSETS:
        (bundle / name).unlink(missing_ok=True)
    if options.reproducible:
        try:
            canonicalize(bundle)
        except UnexpectedBundle as exc:
            log.warning("pagefind: bundle %s left as written, not reproducible: %s", label, exc)


def _link_pages(site: Path, pages: list[str], folder: Path) -> None:
    """A site folder holding just `pages`, at their paths (so URLs stay /papers/<id>/)."""
    source_root, target_root = str(site), str(folder)
    made: set[str] = set()
    for relative in pages:
        source = os.path.join(source_root, relative)
        target = os.path.join(target_root, relative)
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)


def build_index(site: Path, options: IndexOptions, executable: Path | None = None,
                cache: Path | None = None) -> IndexStats:
    """Index `site` into shards under `site/<bundle_dir>/`, replacing any old bundle.

    One Pagefind run per shard whose pages changed, one after another (peak memory is one
    shard's). A shard whose digest matches one in the previous bundle (if `site` kept it) or in
    `cache` is reused as it is. Everything new is written into a temporary folder next to the
    old bundle and swapped in only once every shard succeeded: a failed run leaves the previous
    search working. Then `cache` (if given) is brought up to date with the new shards.
    """
    site = site.resolve()
    if not site.is_dir():
        raise PagefindIndexError(f"{site}: the site folder does not exist")
    target = site / options.bundle_dir
    executable = executable or find_executable()
    glob = options.glob or "**/*.html"
    memo = read_page_memo(cache / MEMO) if cache is not None else None
    try:
        shards, any_marked = scan_site(site, glob, options.shard_filter,
                                       _recipe(options, executable), skip=[options.bundle_dir],
                                       split=options.split_newest,
                                       recent_days=options.recent_days, memo=memo)
    except ShardError as exc:
        raise PagefindIndexError(str(exc)) from None
    if memo is not None:
        write_page_memo(cache / MEMO, memo)
    if not shards:
        # Pagefind exits with an error when it finds nothing to index; an empty archive is
        # still a valid site (not even worth a warning), so it just gets no search bundle.
        log.info("pagefind: no HTML file matches %r in %s; no search index written", glob, site)
        shutil.rmtree(target, ignore_errors=True)
        return IndexStats(pages=0, files=0, bytes=0)
    if not any_marked:
        # Without the marker Pagefind indexes every page's <body>: navigation pages too.
        log.warning("pagefind: no page has data-pagefind-body; every page was indexed")
    in_output = read_manifest(target) if target.is_dir() else {}
    in_cache = read_manifest(cache) if cache is not None and cache.is_dir() else {}
    indexed: list[str] = []
    work = Path(tempfile.mkdtemp(prefix=f".{options.bundle_dir}.", dir=site))
    fresh = work / "bundle"
    fresh.mkdir()
    try:
        for shard in shards:
            if shard.digest in (in_output.get(shard.name), in_cache.get(shard.name)):
                continue
            label = f"{site} (shard {shard.name}, {len(shard.pages)} pages)"
            glob = page_glob(shard.pages)
            if glob is not None:  # Pagefind reads just these pages of the site
                run_pagefind(executable, site, fresh / shard.name, options, label,
                             work / "run", glob)
            else:  # a folder holding just these pages, at their paths (so URLs stay)
                pages = work / "pages" / shard.name
                _link_pages(site, shard.pages, pages)
                run_pagefind(executable, pages, fresh / shard.name, options, label, work / "run")
                shutil.rmtree(pages)
            indexed.append(shard.name)
        # Every Pagefind run succeeded: now take the unchanged shards from where they are.
        for shard in shards:
            if shard.name in indexed:
                continue
            if in_output.get(shard.name) == shard.digest:
                (target / shard.name).rename(fresh / shard.name)
            else:
                link_tree(cache / shard.name, fresh / shard.name)
        write_manifest(fresh, shards)
        if target.exists():
            target.rename(work / "old")
        fresh.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if cache is not None:
        update_cache(cache, target, shards, in_cache)
    log.info("pagefind: %d shard(s), %d indexed (%s), %d reused", len(shards), len(indexed),
             ", ".join(indexed) or "none", len(shards) - len(indexed))
    files, size = _tree_size(str(target))
    return IndexStats(pages=sum(len(s.pages) for s in shards), files=files, bytes=size,
                      shards=len(shards), indexed=tuple(indexed))


def _tree_size(folder: str) -> tuple[int, int]:
    """(files, bytes) under `folder`: one stat a file (tens of thousands in a big bundle)."""
    files = size = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                more, more_size = _tree_size(entry.path)
                files, size = files + more, size + more_size
            elif entry.is_file(follow_symlinks=False):
                files, size = files + 1, size + entry.stat(follow_symlinks=False).st_size
    return files, size


def update_cache(cache: Path, bundle: Path, shards: list[Shard], in_cache: dict[str, str]) -> None:
    """Make `cache` hold the shards of `bundle` (hard links where possible) and its manifest.

    The manifest is first rewritten to list only the shards that stay untouched, so an
    interrupted update can never leave a manifest naming a half-written shard.
    """
    cache.mkdir(parents=True, exist_ok=True)
    keep = [s for s in shards if in_cache.get(s.name) == s.digest]
    write_manifest(cache, keep)
    kept = {s.name for s in keep}
    for child in cache.iterdir():
        if child.is_dir() and child.name not in kept:
            shutil.rmtree(child)
    for shard in shards:
        if shard.name not in kept:
            link_tree(bundle / shard.name, cache / shard.name)
    write_manifest(cache, shards)


def _cache_of(settings: Mapping[str, Any]) -> Path | None:
    cache = settings.get("CACHE_PATH")
    return Path(cache) / CACHE_DIR if cache else None


# Background runs started when the paper pages were written, by output folder.
_started: dict[str, tuple[threading.Thread, list[Any]]] = {}


def start_early(generator: Any, writer: Any = None) -> None:
    """`article_writer_finalized` receiver: with `early`, index the paper pages in a thread.

    Every page Pagefind indexes (data-pagefind-body) is an article page, and the articles
    generator has written them all when this signal is sent; Pelican then goes on writing the
    day, topic and organisation pages while Pagefind runs. `index_site` waits for the thread.
    """
    options = read_options(generator.settings)
    if not (options.enabled and options.early):
        return
    site = str(Path(generator.output_path).resolve())
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(build_index(Path(site), options, cache=_cache_of(generator.settings)))
        except BaseException as exc:  # handed to the main thread by index_site
            outcome.append(exc)

    thread = threading.Thread(target=run, name="pagefind-index", daemon=True)
    _started[site] = (thread, outcome)
    thread.start()
    log.info("pagefind: indexing the paper pages while Pelican writes the other pages")


def index_site(pelican: Any) -> None:
    """`finalized` receiver: index Pelican's output folder (or wait for the early run)."""
    options = read_options(pelican.settings)
    if not options.enabled:
        log.info("pagefind: indexing disabled by PAGEFIND_INDEX['enabled']")
        return
    started = _started.pop(str(Path(pelican.output_path).resolve()), None)
    if started is None:
        stats = build_index(Path(pelican.output_path), options,
                            cache=_cache_of(pelican.settings))
    else:
        thread, outcome = started
        thread.join()
        if not outcome or isinstance(outcome[0], BaseException):
            raise outcome[0] if outcome else PagefindIndexError("the index thread stopped")
        stats = outcome[0]
    log.info("pagefind: %d pages indexed, bundle %d files, %d bytes",
             stats.pages, stats.files, stats.bytes)


def register() -> None:
    # `finalized` is sent after every generator has written its pages, so the index sees the
    # whole site. With `early` (off by default), indexing starts as soon as the articles (the
    # only pages with data-pagefind-body) are written, and `finalized` waits for it.
    signals.article_writer_finalized.connect(start_early)
    signals.finalized.connect(index_site)
