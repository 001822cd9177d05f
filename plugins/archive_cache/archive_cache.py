"""Pelican's content cache: never a crash on a damaged file, and no work when nothing changed.

Loading: Pelican catches only some of the errors loading a damaged cache file raises: a
truncated gzip stream (`EOFError`), a damaged one (`zlib.error`) or a pickle naming a class
that no longer exists (`AttributeError`, `ImportError`) stop the next build with a traceback
until someone deletes `cache/`. On `initialized`, before any generator loads its cache, this
plugin loads each cache file the way Pelican will and removes any that fail, with a logged
warning, so the build re-reads those sources and writes a fresh cache. A file this plugin saved
itself and that still has the size and mtime it recorded then (`archive_cache/verified.json`)
is not loaded twice: at 40,000 papers that check is a second full unpickling (1-2 s).

Saving (the readers' cache, the one `CONTENT_CACHING_LAYER = "reader"` uses): Pelican rewrites
it at the end of every build, in place. Here it is written only when a source was read afresh
or a cached source is gone (its entry is dropped, so removed papers do not pile up), and via a
temp file renamed into place, so a build killed while saving leaves the previous cache whole;
the temp file left by a kill is removed, with a warning, at the next start.

It owns nothing else: what is cached, and when it is used, stays Pelican's (`CACHE_CONTENT`,
`LOAD_CONTENT_CACHE`, `GZIP_CACHE`, `CACHE_PATH`, `CHECK_MODIFIED_METHOD`).
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import pickle
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pelican import signals
from pelican_compat import cache_entries, cache_path, caching_enabled, open_cache_file

from paperarchive import atomic

log = logging.getLogger(__name__)

# The files Pelican's cachers write: `<Generator class>` and `<Generator class>-Readers`.
# Other files in CACHE_PATH belong to other plugins and are left alone.
PELICAN_CACHE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*Generator(?:-Readers)?$")
# Temp files of our atomic saves: `.<cache file>.<random>.tmp`.
TEMP_RE = re.compile(r"^\.[A-Za-z_][A-Za-z0-9_]*Generator(?:-Readers)?\..+\.tmp$")
VERIFIED = Path("archive_cache") / "verified.json"


def cache_problem(path: Path, *, gzipped: bool) -> str | None:
    """Why the cache file at `path` cannot be loaded, or None when it loads."""
    opener = gzip.open if gzipped else open
    try:
        with opener(path, "rb") as handle:
            data = pickle.load(handle)  # noqa: S301 - Pelican's own cache, read as Pelican does
    except Exception as exc:  # any failure at all means Pelican cannot use the file
        return f"{type(exc).__name__}: {exc}"
    if not isinstance(data, dict):
        return f"holds {type(data).__name__}, not Pelican's cache dictionary"
    return None


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _read_verified(cache: Path) -> dict[str, list[int]]:
    try:
        data = json.loads((cache / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _record_verified(cache: Path, name: str, stamp: list[int] | None) -> None:
    verified = _read_verified(cache)
    if stamp is None:
        verified.pop(name, None)
    else:
        verified[name] = stamp
    target = cache / VERIFIED
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(target, json.dumps(verified, sort_keys=True))


def remove_unreadable_caches(settings: Mapping[str, Any]) -> list[Path]:
    """Delete every cache file under CACHE_PATH that cannot be loaded; return their paths.

    Files this plugin saved and that are unchanged since are trusted without loading them.
    Temp files of a save that was killed are deleted too (and returned).
    """
    if not settings.get("LOAD_CONTENT_CACHE"):
        return []
    cache = Path(settings["CACHE_PATH"])
    if not cache.is_dir():
        return []
    verified = _read_verified(cache)
    removed = []
    for path in sorted(p for p in cache.iterdir() if p.is_file()):
        if TEMP_RE.match(path.name):
            log.warning("archive_cache: %s is a cache save cut short by a killed build; "
                        "removed (the cache it was replacing is intact)", path)
            path.unlink(missing_ok=True)
            removed.append(path)
            continue
        if not PELICAN_CACHE_RE.match(path.name):
            continue
        if verified.get(path.name) == _stamp(path):
            continue
        problem = cache_problem(path, gzipped=bool(settings.get("GZIP_CACHE", True)))
        if problem is not None:
            log.warning("archive_cache: %s is unreadable (%s); removed, so this build "
                        "re-reads its sources and writes a fresh cache", path, problem)
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def check_cache(pelican: Any) -> None:
    remove_unreadable_caches(pelican.settings)


def save_atomic(cacher: Any) -> bool:
    """Write a Pelican FileDataCacher's data via a temp file; True when written."""
    path = Path(cache_path(cacher))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic.replacing(path) as temp, open_cache_file(cacher, temp, "wb") as handle:
            pickle.dump(cache_entries(cacher), handle)
    except (OSError, pickle.PicklingError, TypeError) as err:
        log.warning("archive_cache: could not save %s: %s", path, err)
        return False
    _record_verified(path.parent, path.name, _stamp(path))
    return True


def track_readers(readers: Any) -> None:
    """`readers_init`: save this Readers' cache only when it changed, and atomically."""
    seen: set[str] = set()
    fresh: list[str] = []
    get_cached_data, cache_data = readers.get_cached_data, readers.cache_data

    def get(filename: str, default: Any = None) -> Any:
        seen.add(filename)
        return get_cached_data(filename, default)

    def put(filename: str, data: Any) -> None:
        seen.add(filename)
        fresh.append(filename)
        cache_data(filename, data)

    def save() -> None:
        if not caching_enabled(readers):
            return
        entries = cache_entries(readers)
        gone = [name for name in entries if name not in seen]
        for name in gone:
            del entries[name]
        if not fresh and not gone and os.path.exists(cache_path(readers)):
            log.debug("archive_cache: %s unchanged, not rewritten", cache_path(readers))
            return
        if save_atomic(readers):
            log.info("archive_cache: %s saved (%d sources read afresh, %d gone)",
                     os.path.basename(cache_path(readers)), len(fresh), len(gone))
        fresh.clear()

    readers.get_cached_data, readers.cache_data, readers.save_cache = get, put, save


def register() -> None:
    # `initialized` is sent once settings and plugins are loaded and before any generator
    # (which loads its cache in its constructor) exists.
    signals.initialized.connect(check_cache)
    # `readers_init` is sent by every Readers object, before it loads its cache.
    signals.readers_init.connect(track_readers)
