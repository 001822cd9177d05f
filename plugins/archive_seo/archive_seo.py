"""Crawler files: `sitemap.xml` listing every page, and `robots.txt` pointing to it.

Owns the `ARCHIVE_SEO` settings and both files. The sitemap is made from the HTML files that
were actually written (one walk of the output folder after the build), so every generator's
pages are in it (ours and Pelican's) without each one having to report its URLs; pages marked
``<meta name="robots" content="noindex">`` (the 404 page) and asset folders are left out.
Output is sorted, so the same site gives the same bytes. The sitemaps protocol allows 50,000
URLs a file: a bigger site (a 100,000-paper archive) gets `sitemap-1.xml`, `sitemap-2.xml`, ...
of at most that many URLs each, and `sitemap.xml` becomes the sitemap index naming them, so
robots.txt and a sitemap submitted to a search console keep one address. What each page's
head said is kept in `<CACHE_PATH>/archive_seo/pages.json` (size, mtime in ns, noindex or
not), so a rebuild only opens the pages written since; an unreadable cache is ignored (every
page is read again). It leaves per-page tags (title, canonical, OpenGraph, JSON-LD) to the
theme's `partials/seo.html`.

Settings (all optional)::

    ARCHIVE_SEO = {
        "enabled": True,
        "exclude_dirs": ["pagefind", "theme"],  # top-level folders with no pages
    }

`SITEURL` must be absolute (``https://...``) for the sitemap to be valid; with an empty
`SITEURL` (local development) its URLs are relative to the site root, robots.txt names no
sitemap, and the log says so.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from build_steps import add_final_step

from paperarchive.listing_io import write_atomic
from paperarchive.plugin_settings import merged_over

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {"enabled": True, "exclude_dirs": ["pagefind", "theme"]}
NOINDEX_MARK = 'name="robots" content="noindex'
# The marker is in <head>; reading the first few KB of each page is enough to find it.
HEAD_BYTES = 8192
CACHE_FILE = Path("archive_seo") / "pages.json"  # under CACHE_PATH
CACHE_FORMAT = 1
MAX_SITEMAP_URLS = 50_000  # the sitemaps.org limit for one sitemap file
PART_NAME = "sitemap-{}.xml"  # the parts of a split sitemap, numbered from 1
_PART_RE = re.compile(r"sitemap-[0-9]+\.xml")
# What a page's head said, by output-relative path: [size, mtime_ns, noindex].
PageCache = dict[str, list[Any]]


class ArchiveSeoError(ValueError):
    """Bad `ARCHIVE_SEO` settings, naming the key."""


@dataclass(frozen=True)
class SeoOptions:
    enabled: bool = True
    exclude_dirs: tuple[str, ...] = ("pagefind", "theme")


def read_options(settings: Mapping[str, Any]) -> SeoOptions:
    """Validate `settings["ARCHIVE_SEO"]`."""
    merged = merged_over(settings, "ARCHIVE_SEO", DEFAULTS, ArchiveSeoError)
    if not isinstance(merged["enabled"], bool):
        raise ArchiveSeoError("ARCHIVE_SEO['enabled']: expected True or False")
    dirs = merged["exclude_dirs"]
    if isinstance(dirs, str) or not all(isinstance(d, str) for d in dirs):
        raise ArchiveSeoError("ARCHIVE_SEO['exclude_dirs']: expected a list of folder names")
    return SeoOptions(merged["enabled"], tuple(dirs))


def page_url(site_url: str, relative: str) -> str:
    """The public URL of an output file: `a/b/index.html` -> `<site>/a/b/`."""
    if relative == "index.html":
        path = ""
    elif relative.endswith("/index.html"):
        path = relative[: -len("index.html")]
    else:
        path = relative
    return f"{site_url.rstrip('/')}/{path}"


def iter_pages(output: Path, options: SeoOptions, known: PageCache | None = None,
               seen: PageCache | None = None) -> Iterator[str]:
    """Output-relative paths of indexable HTML pages.

    `known` is what an earlier walk found (pages whose size and mtime are unchanged are not
    opened again); `seen`, when given, is filled with what this walk found."""
    known = known or {}
    seen = {} if seen is None else seen
    mark = NOINDEX_MARK.encode("ascii")
    found = []
    # One scandir per folder, names joined as we go: os.walk plus a relpath per folder was
    # most of this walk (every paper page has a folder of its own). Like os.walk, unreadable
    # folders are skipped and symlinked folders are not entered.
    pending = [(os.fspath(output), "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not (entry.is_symlink() or (not prefix and (
                        name in options.exclude_dirs or name.startswith(".")))):
                    pending.append((entry.path, f"{prefix}{name}/"))
                continue
            if not name.endswith(".html"):
                continue
            relative = prefix + name
            stat = entry.stat()
            before = known.get(relative)
            if before is not None and before[:2] == [stat.st_size, stat.st_mtime_ns]:
                noindex = before[2]
            else:
                with open(entry.path, "rb") as handle:
                    noindex = mark in handle.read(HEAD_BYTES)
            seen[relative] = [stat.st_size, stat.st_mtime_ns, noindex]
            if not noindex:
                found.append(relative)
    return iter(found)


def load_page_cache(path: Path) -> PageCache:
    """The pages an earlier build's walk found, or {} when there is no usable cache."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT:
            return {}
        pages = data["pages"]
        if not isinstance(pages, dict) or not all(
            isinstance(v, list) and len(v) == 3 and isinstance(v[0], int)
            and isinstance(v[1], int) and isinstance(v[2], bool) for v in pages.values()
        ):
            raise ValueError("unexpected page records")
        return pages
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("archive_seo: %s is unreadable (%s); every page is read again", path, exc)
        return {}


def sitemap_xml(urls: Iterable[str]) -> str:
    """A sitemaps.org `urlset` of `urls`, in the order given."""
    return _sitemap_document("urlset", "url", urls)


def sitemap_index_xml(urls: Iterable[str]) -> str:
    """A sitemaps.org `sitemapindex` naming the sitemap files at `urls`, in the order given."""
    return _sitemap_document("sitemapindex", "sitemap", urls)


def _sitemap_document(root: str, entry: str, urls: Iterable[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<{entry}><loc>{escape(url)}</loc></{entry}>" for url in urls]
    lines.append(f"</{root}>")
    return "\n".join(lines) + "\n"


def write_sitemaps(output: Path, site_url: str, urls: list[str],
                   per_file: int = MAX_SITEMAP_URLS) -> list[str]:
    """`sitemap.xml` (one file, or the index of parts of `per_file` URLs each) and its parts;
    parts an earlier, bigger build wrote are removed. Returns the files written."""
    chunks = [urls[start:start + per_file] for start in range(0, len(urls), per_file)]
    parts = [PART_NAME.format(number) for number in range(1, len(chunks) + 1)]
    if len(chunks) <= 1:
        parts = []
        write_atomic(output / "sitemap.xml", sitemap_xml(urls))
    else:
        for name, chunk in zip(parts, chunks, strict=True):
            write_atomic(output / name, sitemap_xml(chunk))
        write_atomic(output / "sitemap.xml",
                     sitemap_index_xml(page_url(site_url, name) for name in parts))
    for stale in sorted(output.glob("sitemap-*.xml")):
        if _PART_RE.fullmatch(stale.name) and stale.name not in parts:
            stale.unlink()
    return ["sitemap.xml", *parts]


def robots_txt(site_url: str) -> str:
    """Allow everything and name the sitemap (only with an absolute `site_url`: the
    robots.txt standard requires an absolute sitemap URL)."""
    text = "User-agent: *\nAllow: /\n"
    if site_url.startswith(("http://", "https://")):
        text += f"\nSitemap: {site_url.rstrip('/')}/sitemap.xml\n"
    return text


def write_seo_files(output: Path, site_url: str, options: SeoOptions,
                    cache: Path | None = None) -> int:
    """Write `sitemap.xml` and `robots.txt` into `output`; return the number of URLs.

    With `cache` (a file), what each page's head said is read from and saved to it."""
    known = load_page_cache(cache) if cache is not None else {}
    seen: PageCache = {}
    urls = sorted(page_url(site_url, relative)
                  for relative in iter_pages(output, options, known, seen))
    write_sitemaps(output, site_url, urls)
    write_atomic(output / "robots.txt", robots_txt(site_url))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache, json.dumps({"format": CACHE_FORMAT, "pages": seen},
                                       sort_keys=True, separators=(",", ":")))
    return len(urls)


def write_files(pelican: Any) -> None:
    """`finalized` receiver."""
    options = read_options(pelican.settings)
    if not options.enabled:
        return
    site_url = pelican.settings.get("SITEURL") or ""
    if not site_url.startswith(("http://", "https://")):
        log.info("archive_seo: SITEURL %r is not absolute; sitemap URLs are relative",
                    site_url)
    settings = pelican.settings
    cache = (Path(settings["CACHE_PATH"]) / CACHE_FILE
             if settings.get("CACHE_CONTENT") and settings.get("CACHE_PATH") else None)
    count = write_seo_files(Path(pelican.output_path), site_url, options, cache)
    log.info("archive_seo: sitemap.xml with %d pages", count)


def register() -> None:
    # At the end of the build, after the page clean-up (build_steps.ORDER): the walk sees
    # every page written and no stale one.
    add_final_step("sitemap", write_files)
