"""Search indexing: run the Pagefind binary over the built site, once, after every page exists.

Owns the `PAGEFIND_INDEX` settings, the Pagefind command line, and swapping the new bundle into
`<output>/pagefind/`. It leaves what gets indexed to the theme: paper pages carry
`data-pagefind-body` (plus filters, sort keys and meta), so every other page is skipped by
Pagefind itself. The binary comes from the `pagefind_bin` wheel (`pagefind[bin]`): no npm and
no download at build time.

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
the bundle is rewritten in a fixed order, so two builds of the same site are byte-identical.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import signals

from .canonical import UnexpectedBundle, canonicalize

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "bundle_dir": "pagefind",
    "force_language": "",
    "glob": "",
    "extra_args": [],
    "reproducible": True,
}
# Pagefind's own summary lines ("Indexed 120 pages"), logged at info level.
_SUMMARY_RE = re.compile(r"^\s*Indexed [0-9]+ \w+", re.MULTILINE)
_PAGES_RE = re.compile(r"Indexed ([0-9]+) pages?")
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


def build_index(site: Path, options: IndexOptions, executable: Path | None = None) -> IndexStats:
    """Index `site` and put the bundle at `site/<bundle_dir>`, replacing any old one.

    Pagefind writes into a fresh temporary folder next to the old bundle, which is swapped out
    only once indexing succeeded: a failed run leaves the previous search working, and fragments
    of pages that no longer exist do not pile up across builds.
    """
    site = site.resolve()
    if not site.is_dir():
        raise PagefindIndexError(f"{site}: the site folder does not exist")
    target = site / options.bundle_dir
    if not any(site.glob(options.glob or "**/*.html")):
        # Pagefind exits with an error when it finds nothing to index; an empty archive is
        # still a valid site (not even worth a warning), so it just gets no search bundle.
        log.info("pagefind: no HTML file matches %r in %s; no search index written",
                    options.glob or "**/*.html", site)
        shutil.rmtree(target, ignore_errors=True)
        return IndexStats(pages=0, files=0, bytes=0)
    work = Path(tempfile.mkdtemp(prefix=f".{options.bundle_dir}.", dir=site))
    fresh = work / "bundle"
    try:
        command = pagefind_command(executable or find_executable(), site, fresh, options)
        log.debug("running %s", " ".join(command))
        result = subprocess.run(
            command, capture_output=True, text=True, check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
        output = result.stdout + result.stderr
        if result.returncode != 0 or not fresh.is_dir():
            tail = "\n".join(output.strip().splitlines()[-15:])
            raise PagefindIndexError(
                f"pagefind failed on {site} (exit {result.returncode}):\n{tail}"
            )
        for line in _SUMMARY_RE.findall(output):
            log.info("pagefind: %s", line.strip())
        pages_match = _PAGES_RE.search(output)
        pages = int(pages_match.group(1)) if pages_match else 0
        if "data-pagefind-body" not in output:
            # Without the marker Pagefind indexes every page's <body>: navigation pages too.
            log.warning("pagefind: no page has data-pagefind-body; every page was indexed")
        if options.reproducible:
            try:
                canonicalize(fresh)
            except UnexpectedBundle as exc:
                log.warning("pagefind: bundle left as written, not reproducible: %s", exc)
        old = work / "old"
        if target.exists():
            target.rename(old)
        fresh.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    files = [p for p in target.rglob("*") if p.is_file()]
    return IndexStats(pages=pages, files=len(files), bytes=sum(p.stat().st_size for p in files))


def index_site(pelican: Any) -> None:
    """`finalized` receiver: index Pelican's output folder."""
    options = read_options(pelican.settings)
    if not options.enabled:
        log.info("pagefind: indexing disabled by PAGEFIND_INDEX['enabled']")
        return
    stats = build_index(Path(pelican.output_path), options)
    log.info("pagefind: %d pages indexed, bundle %d files, %d bytes",
             stats.pages, stats.files, stats.bytes)


def register() -> None:
    # `finalized` is sent after every generator has written its pages, so the index sees the
    # whole site; indexing earlier (e.g. on `all_generators_finalized`) would see no HTML yet.
    signals.finalized.connect(index_site)
