"""Check Pelican's content cache before any generator loads it; drop files that cannot load.

Pelican writes its cache files in place (no temp file), so a build killed while saving leaves a
truncated file, and Pelican catches only some of the errors loading one raises: a truncated
gzip stream (`EOFError`), a damaged one (`zlib.error`) or a pickle naming a class that no longer
exists (`AttributeError`, `ImportError`) stop the next build with a traceback until someone
deletes `cache/`. This plugin loads each cache file the way Pelican will, and removes any that
fail with a logged warning, so the build re-reads those sources and writes a fresh cache.

It owns nothing else: what is cached, and when, stays Pelican's (`CACHE_CONTENT`,
`LOAD_CONTENT_CACHE`, `GZIP_CACHE`, `CACHE_PATH`).
"""

from __future__ import annotations

import gzip
import logging
import pickle
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pelican import signals

log = logging.getLogger(__name__)

# The files Pelican's cachers write: `<Generator class>` and `<Generator class>-Readers`.
# Other files in CACHE_PATH belong to other plugins and are left alone.
PELICAN_CACHE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*Generator(?:-Readers)?$")


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


def remove_unreadable_caches(settings: Mapping[str, Any]) -> list[Path]:
    """Delete every cache file under CACHE_PATH that cannot be loaded; return their paths."""
    if not settings.get("LOAD_CONTENT_CACHE"):
        return []
    cache = Path(settings["CACHE_PATH"])
    if not cache.is_dir():
        return []
    removed = []
    for path in sorted(p for p in cache.iterdir()
                       if p.is_file() and PELICAN_CACHE_RE.match(p.name)):
        problem = cache_problem(path, gzipped=bool(settings.get("GZIP_CACHE", True)))
        if problem is not None:
            log.warning("archive_cache: %s is unreadable (%s); removed, so this build "
                        "re-reads its sources and writes a fresh cache", path, problem)
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def check_cache(pelican: Any) -> None:
    remove_unreadable_caches(pelican.settings)


def register() -> None:
    # `initialized` is sent once settings and plugins are loaded and before any generator
    # (which loads its cache in its constructor) exists.
    signals.initialized.connect(check_cache)
