"""Search indexing: run the Pagefind binary over the built site, once, after every page exists.

Owns the `PAGEFIND_INDEX` settings, the Pagefind command line, and swapping the new bundle into
`<output>/pagefind/`: one stock Pagefind bundle of every paper page, which
theme/static/js/search.js loads as Pagefind's JS API expects. Beside Pagefind's files the
bundle holds `words.json`, the title vocabulary the search page suggests spellings from, and
`bundle.json`, the digest of the pages and settings it was made from (see `pages`). A build
whose paper pages did not change reuses the previous bundle: from output/ if it was kept, else
from `<CACHE_PATH>/search/`, which also keeps the page memo (`pages.json`: a page whose size
and mtime did not change is not read again).
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
    }

Pagefind itself writes filter values in a random order (see `canonical`); with `reproducible`
the bundle is rewritten in a fixed order, so two builds of the same site are byte-identical,
whether the bundle was indexed again or reused.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from build_steps import add_final_step

from .canonical import UnexpectedBundle, canonicalize
from .pages import (
    MEMO,
    VOCABULARY,
    VOCABULARY_VERSION,
    link_tree,
    read_page_memo,
    scan_site,
    vocabulary_bytes,
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
}
CACHE_DIR = "search"  # under Pelican's CACHE_PATH: the previous build's bundle and page memo
CACHED_BUNDLE = "bundle"  # the bundle's folder in the cache
STAMP = "bundle.json"  # in a bundle: the digest it was made from, written last
STAMP_VERSION = 1
# Pagefind's own summary lines ("Indexed 120 pages"), logged at debug level.
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


@dataclass(frozen=True)
class IndexStats:
    pages: int
    files: int
    bytes: int
    indexed: bool = False  # False: the previous bundle was reused (or nothing to index)


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
    for flag in ("enabled", "reproducible"):
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
    return IndexOptions(merged["enabled"], bundle_dir, language, glob, tuple(extra),
                        merged["reproducible"])


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
    """What besides the pages decides the bundle's bytes; part of its digest."""
    return json.dumps([_pagefind_version(), executable.name, options.force_language,
                       options.glob, list(options.extra_args), options.reproducible,
                       UNUSED_ASSETS, VOCABULARY_VERSION])


def run_pagefind(executable: Path, site: Path, bundle: Path, options: IndexOptions) -> None:
    """Index the pages of `site` that the glob matches into the new folder `bundle`
    (canonicalised)."""
    command = pagefind_command(executable, site, bundle, options)
    log.debug("running %s", " ".join(command))
    result = subprocess.run(
        command, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    output = result.stdout + result.stderr
    if result.returncode != 0 or not bundle.is_dir():
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise PagefindIndexError(f"pagefind failed on {site} (exit {result.returncode}):\n{tail}")
    for line in _SUMMARY_RE.findall(output):
        log.debug("pagefind: %s", line.strip())
    for name in UNUSED_ASSETS:
        (bundle / name).unlink(missing_ok=True)
    if options.reproducible:
        try:
            canonicalize(bundle)
        except UnexpectedBundle as exc:
            log.warning("pagefind: bundle of %s left as written, not reproducible: %s", site, exc)


def read_stamp(bundle: Path) -> str:
    """The digest a complete bundle was made from, or "" (no bundle, or not a complete one)."""
    try:
        stamp = json.loads((bundle / STAMP).read_text(encoding="utf-8"))
        digest = stamp["digest"] if stamp.get("version") == STAMP_VERSION else ""
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ""
    return digest if isinstance(digest, str) and (bundle / "pagefind-entry.json").is_file() else ""


def write_stamp(bundle: Path, digest: str, pages: int) -> None:
    (bundle / STAMP).write_text(json.dumps({"version": STAMP_VERSION, "digest": digest,
                                            "pages": pages}, sort_keys=True) + "\n",
                                encoding="utf-8")


def build_index(site: Path, options: IndexOptions, executable: Path | None = None,
                cache: Path | None = None) -> IndexStats:
    """Index `site` into one bundle at `site/<bundle_dir>/`, replacing any old bundle.

    When the pages and settings are those the bundle in `site` (if kept) or in `cache` was
    made from, that bundle is reused as it is. Otherwise Pagefind runs once, into a temporary
    folder next to the old bundle, which is swapped in only once the run succeeded: a failed
    run leaves the previous search working. Then `cache` (if given) gets the new bundle.
    """
    site = site.resolve()
    if not site.is_dir():
        raise PagefindIndexError(f"{site}: the site folder does not exist")
    target = site / options.bundle_dir
    executable = executable or find_executable()
    glob = options.glob or "**/*.html"
    memo = read_page_memo(cache / MEMO) if cache is not None else None
    scan = scan_site(site, glob, skip=[options.bundle_dir], memo=memo)
    if memo is not None:
        write_page_memo(cache / MEMO, memo)
    if not scan.pages:
        # Pagefind exits with an error when it finds nothing to index; an empty archive is
        # still a valid site (not even worth a warning), so it just gets no search bundle.
        log.info("pagefind: no HTML file matches %r in %s; no search index written", glob, site)
        shutil.rmtree(target, ignore_errors=True)
        return IndexStats(pages=0, files=0, bytes=0)
    if not scan.any_marked:
        # Without the marker Pagefind indexes every page's <body>: navigation pages too.
        log.warning("pagefind: no page has data-pagefind-body; every page was indexed")
    digest = scan.digest(_recipe(options, executable))
    cached = cache / CACHED_BUNDLE if cache is not None else None
    indexed = False
    if read_stamp(target) == digest:
        log.info("pagefind: no paper page changed; the search index is kept as it is")
    else:
        work = Path(tempfile.mkdtemp(prefix=f".{options.bundle_dir}.", dir=site))
        fresh = work / "bundle"
        try:
            if cached is not None and read_stamp(cached) == digest:
                log.info("pagefind: no paper page changed; the search index is taken from %s",
                         cached)
                link_tree(cached, fresh)
            else:
                run_pagefind(executable, site, fresh, options)
                (fresh / VOCABULARY).write_bytes(
                    vocabulary_bytes(page.title for page in scan.pages.values()))
                write_stamp(fresh, digest, len(scan.pages))
                indexed = True
            if target.exists():
                target.rename(work / "old")
            fresh.rename(target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if cached is not None and read_stamp(cached) != digest:
        update_cache(cached, target)
    files, size = _tree_size(str(target))
    return IndexStats(pages=len(scan.pages), files=files, bytes=size, indexed=indexed)


def update_cache(cached: Path, bundle: Path) -> None:
    """Make `cached` a copy of `bundle` (hard links where possible). The stamp is written
    last, so an interrupted copy is never taken for a complete bundle."""
    shutil.rmtree(cached, ignore_errors=True)
    cached.parent.mkdir(parents=True, exist_ok=True)
    temporary = cached.with_name(f".{cached.name}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    link_tree(bundle, temporary)
    temporary.rename(cached)


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


def _cache_of(settings: Mapping[str, Any]) -> Path | None:
    cache = settings.get("CACHE_PATH")
    return Path(cache) / CACHE_DIR if cache else None


def index_site(pelican: Any) -> None:
    """`finalized` receiver: index Pelican's output folder."""
    options = read_options(pelican.settings)
    if not options.enabled:
        log.info("pagefind: indexing disabled by PAGEFIND_INDEX['enabled']")
        return
    stats = build_index(Path(pelican.output_path), options, cache=_cache_of(pelican.settings))
    log.info("pagefind: %d pages %s, bundle %d files, %d bytes", stats.pages,
             "indexed" if stats.indexed else "unchanged", stats.files, stats.bytes)


def register() -> None:
    # At the end of the build, after the page clean-up and the sitemap (build_steps.ORDER):
    # the index sees every paper page and no stale one.
    add_final_step("search", index_site)
