"""Feeds in the Pelican build: collect the papers, build the feeds, write them atomically.

Owns the `ARCHIVE_FEEDS` settings, the absolute site URL the feeds use, the files under
`<output>/feeds/` (the feeds and their OPML lists) and the feeds page `/feeds/` (rendered with
the theme's `feeds.html`). It leaves what a feed contains to `paperarchive.feeds` (pure
functions, tested without Pelican) and reads each paper from the attributes `archive_pages` sets
on every article: `paper` (Paper), `listing_day` (datetime.date) and `topics`
(tuple[Topic, ...]). Pelican's own feeds are switched off in pelicanconf.py so the feeds have
one owner.

Settings (all optional)::

    ARCHIVE_FEEDS = {
        "feeds": ["papers", "daily", "weekly", "topics", "orgs"],  # which feeds to write
        "count": 100,     # papers in feeds/papers.*
        "min_upvotes": 0,  # papers with fewer upvotes stay out of feeds/papers.*
        "days": 30,       # days in the daily digest feeds/daily.*
        "weeks": 12,      # weeks in the weekly digest feeds/weekly.*
        "week_papers": 10,  # most upvoted papers per week in feeds/weekly.*
        "topic_count": 50,  # papers in each topic feed feeds/tags/<slug>.*
        "org_count": 20,  # papers in each organisation feed feeds/orgs/<name>.*
        "org_min_papers": 5,  # organisations with fewer papers get no feed
        "site_url": "",   # absolute URL the feeds use; default SITEURL, else localhost
    }

Feed readers need absolute URLs, and in development SITEURL is empty: the feeds then point at
`http://localhost:8000` (what `make serve` serves), and publishconf.py's SITEURL makes them
point at the real site.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator, Generator

from paperarchive.feeds import (
    FEED_KINDS,
    FEEDS_DIR,
    FEEDS_PAGE_URL,
    FORMATS,
    OPML_PATHS,
    Feed,
    FeedGroup,
    FeedLimits,
    FeedPaper,
    FeedSite,
    build_feeds,
    build_opml,
    feed_catalogue,
)
from paperarchive.listing_io import write_atomic
from paperarchive.model import safe_url
from paperarchive.plugin_settings import merged_over

log = logging.getLogger(__name__)

DEFAULT_SITE_URL = "http://localhost:8000"
_LIMITS = FeedLimits()
# Setting key -> FeedLimits field, and the smallest value each takes.
COUNT_KEYS = {
    "count": ("papers", 1),
    "min_upvotes": ("min_upvotes", 0),
    "days": ("days", 1),
    "weeks": ("weeks", 1),
    "week_papers": ("week_papers", 1),
    "topic_count": ("topic_papers", 1),
    "org_count": ("org_papers", 1),
    "org_min_papers": ("org_min_papers", 1),
}
DEFAULTS: dict[str, Any] = {
    "feeds": list(FEED_KINDS),
    **{key: getattr(_LIMITS, name) for key, (name, _) in COUNT_KEYS.items()},
    "site_url": "",
}
MAX_COUNT = 10_000  # a feed that large is a mistake in the settings, not a feed
TEMPLATE = "feeds"  # theme/templates/feeds.html, the feeds page


class ArchiveFeedsError(ValueError):
    """Invalid `ARCHIVE_FEEDS` settings or article data, naming the key or the article."""


@dataclass(frozen=True)
class FeedOptions:
    feeds: tuple[str, ...] = FEED_KINDS
    limits: FeedLimits = field(default_factory=FeedLimits)
    site_url: str = ""

    def as_settings(self) -> dict[str, Any]:
        """The complete `ARCHIVE_FEEDS` dict, as templates see it."""
        return {"feeds": list(self.feeds),
                **{key: getattr(self.limits, name) for key, (name, _) in COUNT_KEYS.items()},
                "site_url": self.site_url}


def read_options(settings: Mapping[str, Any]) -> FeedOptions:
    """Validate `settings["ARCHIVE_FEEDS"]`; errors name the key."""
    merged = merged_over(settings, "ARCHIVE_FEEDS", DEFAULTS, ArchiveFeedsError)
    feeds = merged["feeds"]
    if isinstance(feeds, str) or not isinstance(feeds, Sequence) or not all(
        kind in FEED_KINDS for kind in feeds
    ):
        raise ArchiveFeedsError(f"ARCHIVE_FEEDS['feeds']: expected a list drawn from "
                                f"{', '.join(FEED_KINDS)}, got {feeds!r}")
    limits = {}
    for key, (name, smallest) in COUNT_KEYS.items():
        value = merged[key]
        if (isinstance(value, bool) or not isinstance(value, int)
                or not smallest <= value <= MAX_COUNT):
            raise ArchiveFeedsError(f"ARCHIVE_FEEDS[{key!r}]: expected a whole number from "
                                    f"{smallest} to {MAX_COUNT}, got {value!r}")
        limits[name] = value
    site_url = merged["site_url"]
    if not isinstance(site_url, str) or (site_url and safe_url(site_url) != site_url):
        raise ArchiveFeedsError(f"ARCHIVE_FEEDS['site_url']: expected an absolute http(s) "
                                f"URL, got {site_url!r}")
    return FeedOptions(feeds=tuple(k for k in FEED_KINDS if k in feeds),
                       limits=FeedLimits(**limits), site_url=site_url)


def feed_site(settings: Mapping[str, Any], options: FeedOptions) -> FeedSite:
    """Site name, absolute URL and page URL patterns, from the Pelican settings."""
    site_url = settings.get("SITEURL") or ""
    url = options.site_url or (site_url if safe_url(site_url) == site_url else DEFAULT_SITE_URL)
    # Day and topic URLs are FeedSite's defaults, the ones archive_pages writes
    # (/YYYY/MM/DD/, /tags/<slug>/); Pelican's DAY_ARCHIVE_URL and TAG_URL describe pages
    # that are switched off. The fixture-site tests check every feed link resolves.
    return FeedSite(
        name=str(settings.get("SITENAME") or "Daily Papers Archive"),
        url=url.rstrip("/"),
        language=str(settings.get("DEFAULT_LANG") or "en"),
    )


def collect_papers(articles: Iterable[Any], site: FeedSite) -> list[FeedPaper]:
    """The feed view of every article that is a paper (others, e.g. notes, are skipped)."""
    papers = []
    for article in articles:
        paper = getattr(article, "paper", None)
        if paper is None:
            continue
        listing_day = getattr(article, "listing_day", None)
        if listing_day is None:
            raise ArchiveFeedsError(f"{article.source_path}: paper {paper.id} has no "
                                    "listing_day (set by the archive_pages plugin)")
        papers.append(FeedPaper(paper=paper, listing_day=listing_day,
                                topics=tuple(getattr(article, "topics", ()) or ()),
                                url=site.absolute(article.url)))
    return papers


def write_feeds(output: Path, feeds: Iterable[Feed]) -> tuple[int, int]:
    """Write each feed (and OPML list) atomically; remove feed files of an earlier build that
    no longer exist.

    Returns (files written or changed, files removed). Unchanged files are left untouched, so
    their mtimes (and any cache keyed on them) survive a rebuild.
    """
    written = 0
    wanted = set()
    for feed in feeds:
        path = output / feed.path
        wanted.add(path)
        written += write_atomic(path, feed.data.decode("utf-8"))
    removed = 0
    feeds_dir = output / FEEDS_DIR
    if feeds_dir.is_dir():
        stale = [path for pattern in ("*.xml", "*.opml") for path in feeds_dir.rglob(pattern)
                 if path not in wanted]
        for path in sorted(stale):
            path.unlink()
            removed += 1
    return written, removed


def normalise_settings(pelican: Any) -> None:
    """`initialized` receiver: fail on bad settings before the build, and give templates the
    complete `ARCHIVE_FEEDS` (defaults filled in), so `partials/head_feeds.html` and the
    pages link exactly the feeds that get written."""
    pelican.settings["ARCHIVE_FEEDS"] = read_options(pelican.settings).as_settings()


class FeedsPageGenerator(Generator):
    """Writes the feeds page (`/feeds/`) from the catalogue `generate_feeds` leaves on it.

    A generator of its own, so the page goes through Pelican's writer like every other page
    (relative URLs, atomic and incremental writes, the sitemap); it is written only when the
    catalogue, that is the list of feeds, changes."""

    catalogue: tuple[FeedGroup, ...] | None = None

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer: Any) -> None:
        if self.catalogue is None:  # no articles generator: no feeds either
            return
        writer.write_file(f"{FEEDS_PAGE_URL}index.html", self.get_template(TEMPLATE),
                          self.context, relative_urls=self.settings.get("RELATIVE_URLS", False),
                          url=FEEDS_PAGE_URL, page_url=FEEDS_PAGE_URL, template_name=TEMPLATE,
                          feed_groups=self.catalogue, opml_paths=OPML_PATHS)


def get_generators(_pelican: object) -> type[Generator]:
    return FeedsPageGenerator


def generate_feeds(generators: Sequence[Any]) -> None:
    """`all_generators_finalized` receiver: build and write every feed and the OPML lists,
    and hand the list of feeds to the feeds page."""
    articles_generator = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles_generator is None:
        return
    settings = articles_generator.settings
    options = read_options(settings)
    site = feed_site(settings, options)
    papers = collect_papers(articles_generator.articles, site)
    feeds = build_feeds(papers, site, kinds=options.feeds, limits=options.limits)
    catalogue = feed_catalogue(papers, site, kinds=options.feeds, limits=options.limits)
    lists = [build_opml(catalogue, site, fmt) for fmt in FORMATS]
    written, removed = write_feeds(Path(articles_generator.output_path), [*feeds, *lists])
    for generator in generators:
        if isinstance(generator, FeedsPageGenerator):
            generator.catalogue = catalogue
    log.info("archive_feeds: %d feeds for %d papers at %s (%d files changed, %d removed)",
             len(feeds), len(papers), site.url, written, removed)


def register() -> None:
    signals.initialized.connect(normalise_settings)
    signals.get_generators.connect(get_generators)
    # `all_generators_finalized` is sent once every generator has built its context: all
    # articles exist and every `article_generator_finalized` receiver (archive_pages sets
    # `paper`, `listing_day` and `topics`) has run, whatever order plugins were loaded in.
    # The output folder is cleaned before generators run, never after, so files written here
    # survive; and the feeds need no rendered HTML, unlike Pagefind on `finalized`. Every
    # generator's output (the feeds page's too) is written after this signal.
    signals.all_generators_finalized.connect(generate_feeds)
