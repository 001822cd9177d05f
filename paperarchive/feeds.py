"""RSS 2.0 and Atom 1.0 feeds of the archive, as bytes.

Owns what a feed says: which papers go in which feed (newest papers, the daily digest, the
weekly top papers, one feed per topic and per organisation), their order, titles, the item fields
(title, link, GUID, dates, the author line, categories, the HTML content), the list of every feed
(`feed_catalogue`, for the feeds page) and its OPML, and the promises subscribers rely on:
absolute URLs, stable GUIDs, the listing day as the date, times in UTC, no XML-invalid
characters, and the same bytes for the same data.

It leaves everything else alone: Pelican and the files on disk are the `archive_feeds` plugin's
business, the item HTML lives in the Jinja templates under `paperarchive/templates/feeds/`, and
which papers carry which topics is decided by the taxonomy.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import jinja2
import lxml.etree
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from paperarchive import ordering
from paperarchive.model import (
    SLUG_NAME_RE,
    SLUG_RE,
    Organization,
    Paper,
    Topic,
    clean_line,
    clean_text,
    safe_url,
)

# Feed paths, relative to the site root; the plugin writes them under OUTPUT_PATH.
FEEDS_DIR = "feeds"
FEEDS_PAGE_URL = f"{FEEDS_DIR}/"  # the page that lists every feed (archive_feeds writes it)
FEED_KINDS = ("papers", "daily", "weekly", "topics", "orgs")
FORMATS = ("rss", "atom")
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom"}
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
# One OPML file per format: importing one subscribes a reader to every feed once.
OPML_PATHS = {"rss": f"{FEEDS_DIR}/feeds.opml", "atom": f"{FEEDS_DIR}/feeds.atom.opml"}

DEFAULT_PAPER_COUNT = 100  # items in the papers feed
# Items in each topic feed. There are 30-odd topic feeds in two formats, each item with its
# full abstract: at 100 items they were 95 % of the feeds' bytes (26 MB of 27.6 MB). 50 items
# is still several days of the busiest topic, weeks or months of the others.
DEFAULT_TOPIC_COUNT = 50
DEFAULT_DAY_COUNT = 30  # days in the daily digest
DEFAULT_WEEK_COUNT = 12  # weeks in the weekly digest
DEFAULT_WEEK_PAPERS = 10  # papers per week in the weekly digest
# Organisation feeds grow in number with the archive (hundreds of organisations with a few
# papers each), so each is kept short: 20 papers is months of a typical organisation.
DEFAULT_ORG_COUNT = 20
DEFAULT_ORG_MIN_PAPERS = 5  # an organisation with fewer papers gets no feed
DEFAULT_MIN_UPVOTES = 0  # papers feed: leave out papers with fewer upvotes
# The author line a reader shows: this many names, then "et al.". Every name is in the item's
# HTML.
BYLINE_AUTHORS = 3
DIGEST_AUTHORS = 3  # names per paper in a daily or weekly digest

# An empty archive still gets valid feeds; their `updated` must come from somewhere that is
# not the clock.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# The generator is named without feedgen's version so a library upgrade alone does not change
# a single byte of the feeds.
GENERATOR = "python-feedgen"
GENERATOR_URI = "https://lkiesow.github.io/python-feedgen"
OPML_DOCS = "http://opml.org/spec2.opml"

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "feeds"


@dataclass(frozen=True)
class FeedPaper:
    """A paper as a feed sees it: listed on `listing_day`, at the absolute URL `url`."""

    paper: Paper
    listing_day: dt.date
    topics: tuple[Topic, ...]
    url: str


@dataclass(frozen=True)
class FeedSite:
    """What the feeds need to know about the site; every URL pattern is relative to `url`."""

    name: str
    url: str  # absolute http(s) URL of the site root
    day_url: str = "{date:%Y}/{date:%m}/{date:%d}/"
    week_url: str = "{year:04d}/W{week:02d}/"  # ISO year and week
    topic_url: str = "tags/{slug}/"
    topics_url: str = "tags/"
    org_url: str = "orgs/{name}/"
    language: str = "en"

    def absolute(self, relative: str) -> str:
        """The absolute URL of a site-relative path."""
        return urljoin(self.url.rstrip("/") + "/", relative.lstrip("/"))

    def day_page(self, day: dt.date) -> str:
        return self.absolute(self.day_url.format(date=day))

    def week_id(self, year: int, week: int) -> str:
        """The weekly item's GUID: the URL of the week's page, whether or not it exists yet,
        so an item keeps its GUID when week pages appear."""
        return self.absolute(self.week_url.format(year=year, week=week))

    def week_page(self, year: int, week: int) -> str:
        """Where a weekly item links: the page of ISO week `week` of `year` (its GUID too)."""
        return self.week_id(year, week)

    def topic_page(self, topic: Topic) -> str:
        return self.absolute(self.topic_url.format(slug=topic.slug))

    def org_page(self, organization: Organization) -> str:
        return self.absolute(self.org_url.format(name=organization.name))


@dataclass(frozen=True)
class FeedLimits:
    """How much each feed holds, and which papers and organisations get in."""

    papers: int = DEFAULT_PAPER_COUNT
    min_upvotes: int = DEFAULT_MIN_UPVOTES
    days: int = DEFAULT_DAY_COUNT
    weeks: int = DEFAULT_WEEK_COUNT
    week_papers: int = DEFAULT_WEEK_PAPERS
    topic_papers: int = DEFAULT_TOPIC_COUNT
    org_papers: int = DEFAULT_ORG_COUNT
    org_min_papers: int = DEFAULT_ORG_MIN_PAPERS


@dataclass(frozen=True)
class Feed:
    """One written file of the feeds: its path relative to the site root and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class FeedInfo:
    """A feed as the feeds page and the OPML list it: what it is, what it carries, where."""

    name: str  # "papers", "tags/llm", "orgs/google": the file name under feeds/
    label: str  # what the feeds page calls it: "Latest papers", a topic's or organisation's name
    title: str  # the feed's title without its format, e.g. "Archive — latest papers"
    description: str  # one sentence on what it carries
    page: str  # the site-relative URL of its HTML page ("" for the home page)

    def path(self, fmt: str) -> str:
        return feed_path(self.name, fmt)

    def format_title(self, fmt: str) -> str:
        """The title a reader shows: what the feed is, and in which format."""
        return f"{self.title} ({FORMAT_NAMES[fmt]})"


@dataclass(frozen=True)
class FeedGroup:
    """Feeds listed together: "site" (the whole archive), "topics" or "orgs"."""

    key: str
    feeds: tuple[FeedInfo, ...]


def feed_path(name: str, fmt: str) -> str:
    """Site-relative path of a feed: ``feeds/papers.rss.xml``, ``feeds/tags/llm.atom.xml``."""
    return f"{FEEDS_DIR}/{name}.{fmt}.xml"


def topic_feed_name(topic: Topic) -> str:
    return f"tags/{topic.slug}"


def org_feed_name(organization: Organization) -> str:
    return f"orgs/{organization.name}"


def listing_time(day: dt.date) -> dt.datetime:
    """The date of a feed item: 00:00 UTC of the day the paper was listed (not the arXiv date)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def iso_week(day: dt.date) -> tuple[int, int]:
    """The ISO year and week of a day (weeks start on Monday; 2026-01-01 is in 2026-W01)."""
    year, week, _ = day.isocalendar()
    return year, week


def newest_first(papers: Iterable[FeedPaper]) -> list[FeedPaper]:
    """Newest listing day first, then most upvotes, then id: a total, stable order."""
    return sorted(papers, key=lambda p: ordering.newest_first(p.listing_day, p.paper.upvotes,
                                                              p.paper.id))


def by_upvotes(papers: Iterable[FeedPaper]) -> list[FeedPaper]:
    """Papers as a day page shows them: most upvotes first, then id."""
    return sorted(papers, key=lambda p: ordering.popularity(p.paper.upvotes, p.paper.id))


# --- What each feed is -----------------------------------------------------------------------

def papers_info(site: FeedSite, count: int = DEFAULT_PAPER_COUNT,
                min_upvotes: int = DEFAULT_MIN_UPVOTES) -> FeedInfo:
    which = f" with at least {_count(min_upvotes, 'upvote')}" if min_upvotes else ""
    return FeedInfo(name="papers", label="Latest papers",
                    title=f"{site.name} — latest papers",
                    description=f"The newest {count} papers{which}, one item per paper with its "
                                "authors and abstract.",
                    page="")


def daily_info(site: FeedSite, count: int = DEFAULT_DAY_COUNT) -> FeedInfo:
    return FeedInfo(name="daily", label="Daily digest",
                    title=f"{site.name} — daily digest",
                    description=f"One item per listing day (the last {count}): that day's "
                                "papers, most upvoted first.",
                    page="")


def weekly_info(site: FeedSite, count: int = DEFAULT_WEEK_COUNT,
                top: int = DEFAULT_WEEK_PAPERS) -> FeedInfo:
    return FeedInfo(name="weekly", label="Weekly top papers",
                    title=f"{site.name} — weekly top papers",
                    description=f"One item per week (the last {count}): the week's {top} most "
                                "upvoted papers.",
                    page="")


def topic_info(site: FeedSite, topic: Topic, count: int = DEFAULT_TOPIC_COUNT) -> FeedInfo:
    if not SLUG_RE.match(topic.slug):
        # The slug becomes a file name and a URL: never a path like "../x" or "a/b".
        raise ValueError(f"topic {topic.name!r}: slug {topic.slug!r} is not a "
                         "lowercase-dash slug")
    name = clean_line(topic.name)
    return FeedInfo(name=topic_feed_name(topic), label=name,
                    title=f"{site.name} — topic: {name}",
                    description=f"The newest {count} papers on {name}.",
                    page=site.topic_url.format(slug=topic.slug))


def org_info(site: FeedSite, organization: Organization,
             count: int = DEFAULT_ORG_COUNT) -> FeedInfo:
    if not SLUG_NAME_RE.match(organization.name):
        raise ValueError(f"organisation {organization.name!r}: not an HF organisation handle, "
                         "so not a file name")
    name = clean_line(organization.display_name) or organization.name
    return FeedInfo(name=org_feed_name(organization), label=name,
                    title=f"{site.name} — organisation: {name}",
                    description=f"The newest {count} papers submitted by {name}.",
                    page=site.org_url.format(name=organization.name))


def feed_catalogue(papers: Sequence[FeedPaper], site: FeedSite, *,
                   kinds: Iterable[str] = FEED_KINDS,
                   limits: FeedLimits = FeedLimits()) -> tuple[FeedGroup, ...]:
    """Every feed `build_feeds` writes for the same arguments, grouped as the feeds page and
    the OPML list them: the site's own feeds, then topics and organisations by name.

    Nothing here changes with upvotes or a new day's papers unless a topic or an organisation
    gains (or loses) its feed, so the feeds page and the OPML are rewritten only then."""
    kinds = _checked_kinds(kinds)
    site_feeds = []
    if "papers" in kinds:
        site_feeds.append(papers_info(site, limits.papers, limits.min_upvotes))
    if "daily" in kinds:
        site_feeds.append(daily_info(site, limits.days))
    if "weekly" in kinds:
        site_feeds.append(weekly_info(site, limits.weeks, limits.week_papers))
    groups = [FeedGroup("site", tuple(site_feeds))] if site_feeds else []
    if "topics" in kinds:
        topics = sorted(_by_topic(papers), key=lambda t: (clean_line(t.name).casefold(), t.slug))
        groups.append(FeedGroup("topics", tuple(topic_info(site, topic, limits.topic_papers)
                                                for topic in topics)))
    if "orgs" in kinds:
        orgs = sorted((org for org, _ in _org_groups(papers, limits.org_min_papers)),
                      key=lambda o: (clean_line(o.display_name).casefold(), o.name))
        groups.append(FeedGroup("orgs", tuple(org_info(site, org, limits.org_papers)
                                              for org in orgs)))
    return tuple(group for group in groups if group.feeds)


# --- Building the feeds ----------------------------------------------------------------------

def build_feeds(
    papers: Sequence[FeedPaper],
    site: FeedSite,
    *,
    kinds: Iterable[str] = FEED_KINDS,
    limits: FeedLimits = FeedLimits(),
) -> list[Feed]:
    """Every feed of the site, RSS and Atom, sorted by path."""
    kinds = _checked_kinds(kinds)
    feeds: list[Feed] = []
    if "papers" in kinds:
        feeds += build_papers_feed(papers, site, count=limits.papers,
                                   min_upvotes=limits.min_upvotes)
    if "daily" in kinds:
        feeds += build_daily_feed(papers, site, count=limits.days)
    if "weekly" in kinds:
        feeds += build_weekly_feed(papers, site, count=limits.weeks, top=limits.week_papers)
    if "topics" in kinds:
        feeds += build_topic_feeds(papers, site, count=limits.topic_papers)
    if "orgs" in kinds:
        feeds += build_org_feeds(papers, site, count=limits.org_papers,
                                 min_papers=limits.org_min_papers)
    return sorted(feeds, key=lambda feed: feed.path)


def build_papers_feed(papers: Iterable[FeedPaper], site: FeedSite, *,
                      count: int = DEFAULT_PAPER_COUNT,
                      min_upvotes: int = DEFAULT_MIN_UPVOTES) -> list[Feed]:
    """The newest `count` papers of the whole archive with at least `min_upvotes` upvotes."""
    chosen = (p for p in papers if (p.paper.upvotes or 0) >= min_upvotes)
    items = newest_first(chosen)[:count]
    return _paper_feed(items, site, papers_info(site, count, min_upvotes))


def build_topic_feeds(papers: Iterable[FeedPaper], site: FeedSite, *,
                      count: int = DEFAULT_TOPIC_COUNT) -> list[Feed]:
    """One feed per topic that has papers: its newest `count` papers."""
    by_topic = _by_topic(papers)
    feeds: list[Feed] = []
    for topic in sorted(by_topic):
        info = topic_info(site, topic, count)
        feeds += _paper_feed(newest_first(by_topic[topic])[:count], site, info)
    return feeds


def build_org_feeds(papers: Iterable[FeedPaper], site: FeedSite, *,
                    count: int = DEFAULT_ORG_COUNT,
                    min_papers: int = DEFAULT_ORG_MIN_PAPERS) -> list[Feed]:
    """One feed per organisation with at least `min_papers` papers: its newest `count`."""
    feeds: list[Feed] = []
    for organization, items in _org_groups(papers, min_papers):
        feeds += _paper_feed(items[:count], site, org_info(site, organization, count))
    return feeds


def build_daily_feed(papers: Iterable[FeedPaper], site: FeedSite, *,
                     count: int = DEFAULT_DAY_COUNT) -> list[Feed]:
    """One item per listing day (the newest `count` days), a digest of that day's papers.

    The GUID is the day page's URL, so when a day is re-fetched (more papers, new upvotes) a
    reader updates the item it already has instead of showing a second one.
    """
    days = itertools.groupby(newest_first(papers), key=lambda p: p.listing_day)
    digests = [(day, by_upvotes(items)) for day, items in itertools.islice(days, count)]
    generator = _new_feed(site, daily_info(site, count),
                          updated=listing_time(digests[0][0]) if digests else EPOCH)
    for day, items in digests:
        _add_day(generator, day, items, site)
    return _serialise(generator, site, daily_info(site, count))


def build_weekly_feed(papers: Iterable[FeedPaper], site: FeedSite, *,
                      count: int = DEFAULT_WEEK_COUNT,
                      top: int = DEFAULT_WEEK_PAPERS) -> list[Feed]:
    """One item per ISO week (the newest `count` weeks): the week's `top` most upvoted papers.

    The GUID is the week's URL (`FeedSite.week_id`), so a week that gains days updates its
    item in place; the item's dates are its first and last listing days.
    """
    weeks = itertools.groupby(newest_first(papers), key=lambda p: iso_week(p.listing_day))
    digests = [(week, list(items)) for week, items in itertools.islice(weeks, count)]
    info = weekly_info(site, count, top)
    generator = _new_feed(site, info, updated=(listing_time(digests[0][1][0].listing_day)
                                               if digests else EPOCH))
    for (year, week), items in digests:
        _add_week(generator, year, week, items, top, site)
    return _serialise(generator, site, info)


def build_opml(catalogue: Sequence[FeedGroup], site: FeedSite, fmt: str) -> Feed:
    """An OPML 2.0 subscription list of every feed in the catalogue, in format `fmt`.

    No dates: the file changes only when the list of feeds does."""
    root = lxml.etree.Element("opml", version="2.0")
    head = lxml.etree.SubElement(root, "head")
    lxml.etree.SubElement(head, "title").text = clean_line(
        f"{site.name} — every feed ({FORMAT_NAMES[fmt]})")
    lxml.etree.SubElement(head, "docs").text = OPML_DOCS
    body = lxml.etree.SubElement(root, "body")
    for group in catalogue:
        folder = lxml.etree.SubElement(body, "outline", text=GROUP_NAMES[group.key])
        for info in group.feeds:
            title = clean_line(info.format_title(fmt))
            # type="rss" is OPML 2.0's type for a subscription, whatever the feed's format.
            lxml.etree.SubElement(
                folder, "outline", type="rss", text=title, title=title,
                xmlUrl=site.absolute(info.path(fmt)), htmlUrl=site.absolute(info.page),
                description=clean_line(info.description))
    data = lxml.etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return Feed(path=OPML_PATHS[fmt], data=data)


GROUP_NAMES = {"site": "The whole archive", "topics": "Topics", "orgs": "Organisations"}


def digest_title(day: dt.date, count: int) -> str:
    return f"Daily Papers — {day.isoformat()} ({_count(count, 'paper')})"


def weekly_title(year: int, week: int, shown: int, total: int) -> str:
    monday = dt.date.fromisocalendar(year, week, 1)
    sunday = monday + dt.timedelta(days=6)
    which = (f"the {shown} most upvoted of {total} papers" if shown < total
             else _count(total, "paper"))
    return f"Week {year}-W{week:02d} ({monday.isoformat()} to {sunday.isoformat()}): {which}"


def author_line(paper: Paper) -> str | None:
    """The one line a feed reader shows as a paper's author: its first `BYLINE_AUTHORS` names,
    then "et al." when there are more ("Xin Ding, Ting Cao, Wei Li et al.").

    A paper known only by an author count (a copied page) is credited to its organisation
    when it has one, else to nobody: "6 authors" is not an author.
    """
    names, more = shown_authors(paper, BYLINE_AUTHORS)
    if names:
        return ", ".join(names) + (" et al." if more else "")
    if paper.organization and clean_line(paper.organization.display_name):
        return clean_line(paper.organization.display_name)
    return None


def shown_authors(paper: Paper, limit: int | None) -> tuple[tuple[str, ...], int]:
    """The first `limit` author names (all with None) and how many authors that leaves
    unnamed."""
    names = tuple(name for name in (clean_line(n) for n in paper.authors) if name)
    shown = names if limit is None else names[:limit]
    # A name that cleans to nothing is no author; a count beyond the names (a copied page)
    # is.
    return shown, max(paper.author_count or 0, len(names)) - len(shown)


def byline(paper: Paper) -> str:
    """Who wrote a paper whose author names are unknown: its organisation and the count."""
    count = _count_authors(paper.total_authors)
    if paper.organization and clean_line(paper.organization.display_name):
        return f"{clean_line(paper.organization.display_name)} ({count})"
    return count


def render_paper_html(item: FeedPaper, site: FeedSite) -> str:
    """The HTML body of a paper item: every author, topics, AI summary, abstract, links."""
    paper = item.paper
    names, more = shown_authors(paper, None)
    return _render(
        "paper.html",
        title=clean_line(paper.title),
        url=item.url,
        authors=names,
        more_authors=more,
        byline=None if names else byline(paper),
        day=item.listing_day,
        upvotes=paper.upvotes,
        topics=[(clean_line(t.name), site.topic_page(t)) for t in _unique(item.topics)],
        ai_summary=_paragraphs(paper.ai_summary),
        abstract=_paragraphs(paper.abstract),
        links=_paper_links(paper),
    )


def render_day_html(day: dt.date, items: Sequence[FeedPaper], site: FeedSite) -> str:
    """The HTML body of a digest item: the day's papers by upvotes, each linked."""
    return _render("day.html", day=day, day_url=site.day_page(day),
                   papers=[_digest_row(item) for item in items])


def render_week_html(year: int, week: int, items: Sequence[FeedPaper], top: int,
                     site: FeedSite) -> str:
    """The HTML body of a weekly item: the week's `top` papers by upvotes, each linked."""
    days = sorted({item.listing_day for item in items})
    return _render("week.html", year=year, week=week, total=len(items),
                   days=[(day, site.day_page(day)) for day in days],
                   papers=[_digest_row(item) for item in by_upvotes(items)[:top]])


def _digest_row(item: FeedPaper) -> dict[str, object]:
    names, more = shown_authors(item.paper, DIGEST_AUTHORS)
    return {
        "title": clean_line(item.paper.title),
        "url": item.url,
        "day": item.listing_day,
        "upvotes": item.paper.upvotes,
        "authors": names,
        "more_authors": more,
        "byline": None if names else byline(item.paper),
        "arxiv": item.paper.arxiv_url,
    }


class RelatedLinks(BaseEntryExtension):
    """Atom ``<link rel="related">`` elements of an entry (the arXiv page and the PDF).

    feedgen 1.0.0 writes entry links without their rel, type and title, which would turn
    these into extra "alternate" links, against RFC 4287; this writes them whole. RSS has a
    single item link, so there they live only in the item's HTML.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def add(self, href: str, media_type: str, title: str) -> None:
        self.links.append({"href": href, "rel": "related", "type": media_type, "title": title})

    def extend_atom(self, entry):  # type: ignore[no-untyped-def]  # feedgen's hook
        for link in self.links:
            xml_elem("link", entry, **link)
        return entry


def _new_feed(site: FeedSite, info: FeedInfo, *, updated: dt.datetime) -> FeedGenerator:
    """A feed with its metadata set from the data alone, never from the clock."""
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.register_extension("related", BaseExtension, RelatedLinks, atom=True, rss=False)
    generator.title(clean_line(info.title))
    generator.description(clean_line(info.description))
    generator.language(site.language)
    generator.generator(GENERATOR, uri=GENERATOR_URI)
    generator.updated(updated)
    # Atom: what an entry without an author line (a digest, a paper known only by its
    # author count) inherits; RFC 4287 wants an author on every entry, one way or the other.
    generator.author(name=clean_line(site.name))
    generator.link(href=_absolute_url(site.absolute(info.page), "the feed's home page"),
                   rel="alternate", type="text/html")
    return generator


def _paper_feed(items: Sequence[FeedPaper], site: FeedSite, info: FeedInfo) -> list[Feed]:
    generator = _new_feed(site, info, updated=_newest(items))
    for item in items:
        _add_paper(generator, item, site)
    return _serialise(generator, site, info)


def _serialise(generator: FeedGenerator, site: FeedSite, info: FeedInfo) -> list[Feed]:
    """The RSS and Atom bytes of a feed, each with its own URL as self link and id, and a
    title that names its format (a reader that finds both offers two distinct feeds)."""
    home = generator.link()[-1]
    feeds = []
    for fmt in FORMATS:
        path = info.path(fmt)
        self_url = site.absolute(path)
        # feedgen makes the RSS channel <link> the last link added: self first, the page last.
        generator.link([{"href": self_url, "rel": "self", "type": MEDIA_TYPES[fmt]}, home],
                       replace=True)
        generator.id(self_url)
        generator.title(clean_line(info.format_title(fmt)))
        data = (generator.rss_str(pretty=True) if fmt == "rss"
                else generator.atom_str(pretty=True))
        feeds.append(Feed(path=path, data=data))
    return feeds


def _add_paper(generator: FeedGenerator, item: FeedPaper, site: FeedSite) -> None:
    paper = item.paper
    _absolute_url(item.url, f"paper {paper.id}: page URL")
    entry = generator.add_entry(order="append")
    entry.guid(item.url, permalink=True)
    entry.title(clean_line(paper.title))
    entry.link(href=item.url, rel="alternate")
    if paper.arxiv_url:
        entry.related.add(paper.arxiv_url, "text/html", "arXiv")
    if paper.pdf_url:
        entry.related.add(paper.pdf_url, "application/pdf", "PDF")
    when = listing_time(item.listing_day)
    entry.published(when)
    entry.updated(when)
    # One author line, first author first: readers show one author per item (newsboat and
    # feedparser keep the last of several), so one element carries the line both formats
    # show. Every name is in the content.
    line = author_line(paper)
    if line:
        entry.author({"name": line})
        entry.dc.dc_creator(line)
    for topic in _unique(item.topics):
        entry.category(term=topic.slug, label=clean_line(topic.name),
                       scheme=site.absolute(site.topics_url))
    entry.content(render_paper_html(item, site), type="html")


def _add_day(generator: FeedGenerator, day: dt.date, items: Sequence[FeedPaper],
             site: FeedSite) -> None:
    url = site.day_page(day)
    entry = generator.add_entry(order="append")
    entry.guid(url, permalink=True)
    entry.title(digest_title(day, len(items)))
    entry.link(href=url, rel="alternate", type="text/html")
    when = listing_time(day)
    entry.published(when)
    entry.updated(when)
    entry.content(render_day_html(day, items, site), type="html")


def _add_week(generator: FeedGenerator, year: int, week: int, items: Sequence[FeedPaper],
              top: int, site: FeedSite) -> None:
    first_day = min(item.listing_day for item in items)
    last_day = max(item.listing_day for item in items)
    url = _absolute_url(site.week_page(year, week), f"week {year}-W{week:02d}")
    entry = generator.add_entry(order="append")
    entry.guid(site.week_id(year, week), permalink=url == site.week_id(year, week))
    entry.title(weekly_title(year, week, min(top, len(items)), len(items)))
    entry.link(href=url, rel="alternate", type="text/html")
    entry.published(listing_time(first_day))
    entry.updated(listing_time(last_day))
    entry.content(render_week_html(year, week, items, top, site), type="html")


def _absolute_url(url: str, what: str) -> str:
    """`url` if it is an absolute http(s) URL; feed readers resolve nothing else reliably."""
    if safe_url(url) != url:
        raise ValueError(f"{what}: {url!r} is not an absolute http(s) URL")
    return url


def _count_authors(count: int) -> str:
    return "Unknown authors" if count == 0 else _count(count, "author")


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _checked_kinds(kinds: Iterable[str]) -> set[str]:
    kinds = set(kinds)
    unknown = kinds - set(FEED_KINDS)
    if unknown:
        raise ValueError(f"unknown feed kind(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(FEED_KINDS)}")
    return kinds


def _by_topic(papers: Iterable[FeedPaper]) -> dict[Topic, list[FeedPaper]]:
    by_topic: dict[Topic, list[FeedPaper]] = {}
    for item in papers:
        for topic in set(item.topics):
            by_topic.setdefault(topic, []).append(item)
    return by_topic


def _org_groups(papers: Iterable[FeedPaper],
                min_papers: int) -> list[tuple[Organization, list[FeedPaper]]]:
    """Organisations with at least `min_papers` papers, by handle, each with its papers newest
    first; an organisation is named as on its newest paper (as its page names it)."""
    by_name: dict[str, list[FeedPaper]] = {}
    for item in papers:
        if item.paper.organization is not None:
            by_name.setdefault(item.paper.organization.name, []).append(item)
    groups = []
    for name in sorted(by_name):
        if len(by_name[name]) >= min_papers:
            items = newest_first(by_name[name])
            newest = items[0].paper.organization
            if newest is not None:  # always: only papers with an organisation are here
                groups.append((newest, items))
    return groups


def _newest(items: Sequence[FeedPaper]) -> dt.datetime:
    return max((listing_time(item.listing_day) for item in items), default=EPOCH)


def _unique(topics: Iterable[Topic]) -> list[Topic]:
    """Topics once each, in a stable order (the taxonomy may list a topic twice)."""
    return sorted(set(topics))


def _paragraphs(text: str | None) -> list[str]:
    return [p for p in (clean_line(part) for part in (text or "").split("\n\n")) if p]


def _paper_links(paper: Paper) -> list[tuple[str, str]]:
    links = [("arXiv", paper.arxiv_url), ("PDF", paper.pdf_url),
             ("Hugging Face", paper.hf_url), ("Code", safe_url(paper.github)),
             ("Project page", safe_url(paper.project_page))]
    return [(label, url) for label, url in links if url]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(name: str, **context: object) -> str:
    # clean_text again on the output: whatever a template adds, the feed stays writable.
    return clean_text(_environment().get_template(name).render(**context)).strip()
