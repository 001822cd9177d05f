"""Pelican glue for `archive_pages`: signal receivers and the generator that writes pages.

The logic (rebuilding papers, grouping, pagination, URLs) is in `archive`; this module
connects it to Pelican's signals, context and writer, and keeps the rebuilt papers between
builds (`EntryCache`, under CACHE_PATH/archive_pages/).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
from collections.abc import Mapping
from dataclasses import fields
from itertools import chain
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context, Macro
from markupsafe import Markup
from pelican import signals
from pelican.generators import ArticlesGenerator, Generator

from paperarchive import atomic
from paperarchive.model import Organization, Paper, Topic
from paperarchive.plugin_settings import merged_over

from . import archive

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {"page_size": 100, "top_size": 100, "month_top": 30,
                            "year_top": 50, "home_top": 10, "active_orgs": 30}

URL_FILTERS = {
    "paper_url": archive.paper_url,
    "day_url": archive.day_url,
    "month_url": archive.month_url,
    "year_url": archive.year_url,
    "week_url": archive.week_url,
    "week_of": archive.week_of,
    "top_url": archive.top_url,
    "topic_url": archive.topic_url,
    "org_url": archive.org_url,
    "month_name": archive.month_name,
}


def plugin_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """`ARCHIVE_PAGES` merged over the defaults, validated."""
    merged = merged_over(settings, "ARCHIVE_PAGES", DEFAULTS)
    for name in DEFAULTS:
        size = merged[name]
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"ARCHIVE_PAGES: {name} must be a whole number of 1 or more, "
                             f"got {size!r}")
    return merged


def attach_papers(generator: ArticlesGenerator) -> None:
    """Set `paper`, `listing_day`, `topics` and `entry_key` on every article.

    Connected to `article_generator_pretaxonomy`: it fires once, after all articles are read
    (from the cache or not) and before anything is grouped or written. Papers of articles whose
    source file is unchanged since the last build come from `EntryCache` (validating and
    cleaning every field again was 4 s of a 40,000-paper rebuild). `entry_key` is a digest of
    the paper, day and topics, made when they were first read and cached with them:
    archive_writer's page digests use it instead of digesting 40,000 papers on every build.
    """
    cache = EntryCache.load(generator.settings)
    for article in chain(generator.articles, generator.translations, generator.hidden_articles,
                         generator.hidden_translations, generator.drafts,
                         generator.drafts_translations):
        paper, day, topics, key = cache.entry(article.metadata, article.source_path)
        article.paper = paper
        article.listing_day = day
        article.topics = topics
        article.entry_key = key
        # Pelican recomputes `url` from the settings on every access (a dict copy and a
        # format); list pages, feeds and related links ask tens of thousands of times.
        article.override_url = article.url
    cache.save()


class EntryCache:
    """`entry_from_metadata` results kept between builds in `<CACHE_PATH>/archive_pages/`,
    keyed by source file and its (mtime, size): the stamp Pelican's own content cache trusts
    (`CHECK_MODIFIED_METHOD`), so an entry is reused exactly when Pelican reuses the file's
    metadata. Papers are stored as plain field tuples and rebuilt without validation (they
    were validated when first read), with the digest of what they were rebuilt from
    (`entry_key`). Saved atomically, only when something changed; an unreadable file is a
    warning and a fresh start. Off unless both `CACHE_CONTENT` and `LOAD_CONTENT_CACHE` are
    on."""

    FORMAT = (2, tuple(f.name for f in fields(Paper)))

    def __init__(self, path: Path | None, entries: dict[str, Any]) -> None:
        self.path = path
        self.old = entries
        self.new: dict[str, Any] = {}
        self.misses = 0

    @classmethod
    def load(cls, settings: Mapping[str, Any]) -> EntryCache:
        if not (settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE")):
            return cls(None, {})
        path = Path(settings["CACHE_PATH"]) / "archive_pages" / "entries.pickle"
        try:
            with path.open("rb") as handle:
                data = pickle.load(handle)  # noqa: S301 - our own cache file
            if not isinstance(data, dict) or data.get("format") != cls.FORMAT:
                raise ValueError("another format")
            return cls(path, data["entries"])
        except FileNotFoundError:
            return cls(path, {})
        except Exception as exc:  # any damage: rebuild every entry
            log.warning("archive_pages: %s is unreadable (%s: %s); rebuilding it", path,
                        type(exc).__name__, exc)
            return cls(path, {})

    def entry(self, metadata: Mapping[str, Any],
              source: str) -> tuple[Paper, dt.date, tuple[Topic, ...], str]:
        """The paper, listing day and topics of `source`, and their digest (`entry_key`)."""
        stat = os.stat(source)
        stamp = (stat.st_mtime_ns, stat.st_size)
        kept = self.old.get(source)
        if kept is not None and kept[0] == stamp:
            self.new[source] = kept
            values, organization, ordinal, topics, key = kept[1:]
            paper = Paper(*values[:-1], Organization(*organization) if organization else None,
                          *values[-1])
            return (paper, dt.date.fromordinal(ordinal),
                    tuple(archive.cached_topic(slug, name) for slug, name in topics), key)
        self.misses += 1
        paper, day, topics = archive.entry_from_metadata(metadata, source)
        values = [getattr(paper, name) for name in self.FORMAT[1]]
        split = self.FORMAT[1].index("organization")
        organization = paper.organization
        record = ((*values[:split], tuple(values[split + 1:])),
                  (organization.name, organization.fullname) if organization else None,
                  day.toordinal(), tuple((t.slug, t.name) for t in topics))
        # Every field of the paper, the day and the topics, as plain data: the same record
        # gives the same objects back, so its digest stands for them.
        key = hashlib.blake2b(repr(record).encode("utf-8"), digest_size=16).hexdigest()
        self.new[source] = (stamp, *record, key)
        return paper, day, topics, key

    def save(self) -> None:
        if self.path is None or (not self.misses and self.new.keys() == self.old.keys()):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in self.path.parent.glob(".entries.*.tmp"):  # from a killed build
            leftover.unlink(missing_ok=True)
        data = pickle.dumps({"format": self.FORMAT, "entries": self.new},
                            protocol=pickle.HIGHEST_PROTOCOL)
        atomic.write_bytes(self.path, data)
        log.info("archive_pages: %d papers rebuilt from their metadata, %d from the cache",
                 self.misses, len(self.new) - self.misses)


def add_url_filters(generator: Generator) -> None:
    """Make the URL helpers available to every template (`{{ day|day_url }}`), and
    `card_memo` (uncached outside `ArchivePagesGenerator`, which renders the lists)."""
    generator.env.filters.update(URL_FILTERS)
    generator.env.globals.setdefault("card_memo", call_card)


def call_card(macro: Macro, article: object, *arguments: Any) -> Markup:
    """`card_memo` without a memo: the macro's output for this call."""
    return macro(article, *arguments)


class CardMemo:
    """`card_memo(macro, article, *arguments)` for templates: a list item's HTML, rendered once
    per macro, article, arguments and `SITEURL` and then reused.

    A paper is listed on the pages of its 3-5 topics and its organisation; its row there is
    the same wherever the page sits at the same depth (relative URLs make SITEURL `../..`,
    `../../..`), so rendering it once per depth instead of once per page saves most of the
    list pages' rendering time. The macro must depend on nothing but its arguments and
    SITEURL (paper_card.html says so). Articles are told apart by identity (Pelican's articles
    are not hashable by value). The memo lives for one `generate_output`.
    """

    def __init__(self) -> None:
        # (macro name, id(article), SITEURL, arguments) -> (article, html). The article is
        # kept so its id cannot be reused by another object while the memo lives.
        self._rendered: dict[tuple[Any, ...], tuple[object, Markup]] = {}

    @pass_context
    def __call__(self, context: Context, macro: Macro, article: object,
                 *arguments: Any) -> Markup:
        key = (macro.name, id(article), context.get("SITEURL"), arguments)
        found = self._rendered.get(key)
        if found is None:
            found = self._rendered[key] = (article, macro(article, *arguments))
        return found[1]

    def __len__(self) -> int:
        return len(self._rendered)


def get_generators(_pelican: object) -> type[Generator]:
    return ArchivePagesGenerator


class ArchivePagesGenerator(Generator):
    """Groups the articles once and writes the day, month, year, topic, organisation, archive
    and home pages."""

    def generate_context(self) -> None:
        self.options = plugin_settings(self.settings)
        self.archive = archive.build_archive(self.context.get("articles", []))
        # Shared so article pages (rendered later) and other plugins can use the grouping.
        self.context["archive"] = self.archive

    def generate_output(self, writer: Any) -> None:
        relative = self.settings.get("RELATIVE_URLS", False)

        def write(url: str, template: str, **variables: Any) -> None:
            writer.write_file(archive.save_as(url), self.get_template(template), self.context,
                              relative_urls=relative, url=url, page_url=url,
                              template_name=template, **variables)

        memo = CardMemo()
        self.env.globals["card_memo"] = memo
        try:
            self._write_all(write)
        finally:
            self.env.globals["card_memo"] = call_card  # the rows are garbage after this
        log.debug("archive_pages: %d list rows rendered once each", len(memo))

    def _write_all(self, write: Any) -> None:
        site = self.archive
        options = self.options
        latest = site.latest
        # The home page: the newest day, led by the top papers of its week.
        week = site.weeks[-1] if site.weeks else None
        write(archive.HOME_URL, "day", day=latest, papers=latest.entries if latest else (),
              is_home=True, week=week,
              week_top=week.ranked(options["home_top"]) if week else ())
        for day in site.days:
            write(day.url, "day", day=day, papers=day.entries, is_home=False)
        for week in site.weeks:
            write(week.url, "week", week=week, papers=week.ranked())
        for month in site.months:
            write(month.url, "month", month=month, papers=month.ranked(options["month_top"]))
        for year in site.years:
            write(year.url, "year", year=year, papers=year.ranked(options["year_top"]))
        write(archive.ARCHIVE_URL, "archives", years=tuple(reversed(site.years)))
        write(archive.TOPICS_URL, "tags", groups=site.topics)
        labels = archive.org_labels(group.key for group in site.orgs)
        write(archive.ORGS_URL, "orgs", groups=site.orgs[:options["active_orgs"]],
              letters=archive.by_initial(site.orgs, labels), labels=labels,
              count=len(site.orgs))
        size = options["page_size"]
        for group in site.topics:
            self._write_pages(write, "tag", {"topic": group.key}, group, size)
        for group in site.orgs:
            self._write_pages(write, "org", {"organization": group.key,
                                             "label": labels[group.key.name]}, group, size)
        top = options["top_size"]
        for group in site.topics:
            write(archive.top_url(group.url), "top", topic=group.key, label=group.key.name,
                  group_url=group.url, count=group.count, papers=archive.ranked(group.entries, top))
        for group in site.orgs:
            write(archive.top_url(group.url), "top", organization=group.key,
                  label=labels[group.key.name], group_url=group.url, count=group.count,
                  papers=archive.ranked(group.entries, top))
        log.info("archive_pages: %d days, %d weeks, %d months, %d years, %d topics, "
                 "%d organisations", len(site.days), len(site.weeks), len(site.months),
                 len(site.years), len(site.topics), len(site.orgs))

    @staticmethod
    def _write_pages(write: Any, template: str, variables: dict[str, Any],
                     group: archive.Group, size: int) -> None:
        """A topic's or organisation's pages. A numbered page gets only what it shows (its
        papers, their positions and its two links), never the group's count, so its inputs
        stay the same when newer papers arrive."""
        for page in archive.paginate(group.entries, size, group.url):
            write(page.url, template, **variables, page=page, papers=page.items,
                  count=group.count if page.is_newest else None)


def register() -> None:
    signals.article_generator_pretaxonomy.connect(attach_papers)
    signals.generator_init.connect(add_url_filters)
    signals.get_generators.connect(get_generators)


