"""Crawler files: `sitemap.xml` listing every page, and `robots.txt` pointing to it.

Owns the `ARCHIVE_SEO` settings and both files. The sitemap is made from the HTML files that
were actually written (one walk of the output folder after the build), so every generator's
pages are in it (ours and Pelican's) without each one having to report its URLs; pages marked
``<meta name="robots" content="noindex">`` (the 404 page) and asset folders are left out.
Output is sorted, so the same site gives the same bytes. It leaves per-page tags (title,
canonical, OpenGraph, JSON-LD) to the theme's `partials/seo.html`.

Settings (all optional)::

    ARCHIVE_SEO = {
        "enabled": True,
        "exclude_dirs": ["pagefind", "theme", "feeds"],  # top-level folders with no pages
    }

`SITEURL` must be absolute (``https://...``) for the sitemap to be valid; with an empty
`SITEURL` (local development) its URLs are relative to the site root, robots.txt names no
sitemap, and the log says so.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pelican import signals

from paperarchive.listing_io import write_atomic

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {"enabled": True, "exclude_dirs": ["pagefind", "theme", "feeds"]}
NOINDEX_MARK = 'name="robots" content="noindex'
# The marker is in <head>; reading the first few KB of each page is enough to find it.
HEAD_BYTES = 8192


class ArchiveSeoError(ValueError):
    """Bad `ARCHIVE_SEO` settings, naming the key."""


@dataclass(frozen=True)
class SeoOptions:
    enabled: bool = True
    exclude_dirs: tuple[str, ...] = ("pagefind", "theme", "feeds")


def read_options(settings: Mapping[str, Any]) -> SeoOptions:
    """Validate `settings["ARCHIVE_SEO"]`."""
    raw = settings.get("ARCHIVE_SEO")
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ArchiveSeoError(f"ARCHIVE_SEO: expected a dict, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise ArchiveSeoError(f"ARCHIVE_SEO: unknown key(s) {', '.join(map(str, unknown))}; "
                              f"known keys: {', '.join(DEFAULTS)}")
    merged = {**DEFAULTS, **raw}
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


def iter_pages(output: Path, options: SeoOptions) -> Iterator[str]:
    """Output-relative paths of indexable HTML pages."""
    found = []
    for directory, dirnames, filenames in os.walk(output):
        relative_dir = Path(directory).relative_to(output)
        if relative_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d not in options.exclude_dirs
                           and not d.startswith(".")]
        for name in filenames:
            if not name.endswith(".html"):
                continue
            path = Path(directory) / name
            with path.open("rb") as handle:
                head = handle.read(HEAD_BYTES).decode("utf-8", "replace")
            if NOINDEX_MARK in head:
                continue
            found.append((relative_dir / name).as_posix())
    return iter(found)


def sitemap_xml(urls: Iterable[str]) -> str:
    """A sitemaps.org `urlset` of `urls`, in the order given."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(site_url: str) -> str:
    """Allow everything and name the sitemap (only with an absolute `site_url`: the
    robots.txt standard requires an absolute sitemap URL)."""
    text = "User-agent: *\nAllow: /\n"
    if site_url.startswith(("http://", "https://")):
        text += f"\nSitemap: {site_url.rstrip('/')}/sitemap.xml\n"
    return text


def write_seo_files(output: Path, site_url: str, options: SeoOptions) -> int:
    """Write `sitemap.xml` and `robots.txt` into `output`; return the number of URLs."""
    urls = sorted(page_url(site_url, relative) for relative in iter_pages(output, options))
    write_atomic(output / "sitemap.xml", sitemap_xml(urls))
    write_atomic(output / "robots.txt", robots_txt(site_url))
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
    count = write_seo_files(Path(pelican.output_path), site_url, options)
    log.info("archive_seo: sitemap.xml with %d pages", count)


def register() -> None:
    # `finalized` runs after every generator has written its pages, so the walk sees them all.
    signals.finalized.connect(write_files)
