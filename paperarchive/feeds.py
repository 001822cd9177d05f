"""RSS 2.0 and Atom 1.0 feeds of the archive, as bytes.

Owns what a feed says: which papers go in which feed (newest papers, the daily digest, one feed
per topic), their order, the item fields (title, link, GUID, dates, authors, categories, the HTML
content) and the promises subscribers rely on: absolute URLs, stable GUIDs, the listing day as
the date, times in UTC, no XML-invalid characters, and the same bytes for the same data.

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
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from paperarchive.model import SLUG_RE, Paper, Topic, clean_line, clean_text, safe_url

# Feed paths, relative to the site root; the plugin writes them under OUTPUT_PATH.
FEEDS_DIR = "feeds"
FEED_KINDS = ("papers", "daily", "topics")
FORMATS = ("rss", "atom")

DEFAULT_PAPER_COUNT = 100  # items in the papers feed
# Items in each topic feed. There are 30-odd topic feeds in two formats, each item with its
# full abstract: at 100 items they were 95 % of the feeds' bytes (26 MB of 27.6 MB). 50 items
# is still several days of the busiest topic, weeks or months of the others.
DEFAULT_TOPIC_COUNT = 50
DEFAULT_DAY_COUNT = 30  # days in the daily digest
# A feed reader shows authors in one line; 438 names (a real paper) help nobody. The item's
# HTML still gives the full count.
MAX_FEED_AUTHORS = 20
DIGEST_AUTHORS = 3  # names per paper in a daily digest
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}

# An empty archive still gets valid feeds; their `updated` must come from somewhere that is
# not the clock.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# The generator is named without feedgen's version so a library upgrade alone does not change
# a single byte of the feeds.
GENERATOR = "python-feedgen"
GENERATOR_URI = "https://lkiesow.github.io/python-feedgen"

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
    topic_url: str = "tags/{slug}/"
    topics_url: str = "tags/"
    language: str = "en"

    def absolute(self, relative: str) -> str:
        """The absolute URL of a site-relative path."""
        return urljoin(self.url.rstrip("/") + "/", relative.lstrip("/"))

    def day_page(self, day: dt.date) -> str:
        return self.absolute(self.day_url.format(date=day))

    def topic_page(self, topic: Topic) -> str:
        return self.absolute(self.topic_url.format(slug=topic.slug))


@dataclass(frozen=True)
class Feed:
    """One written feed: its path relative to the site root and its bytes."""

    path: str
    data: bytes


def feed_path(name: str, fmt: str) -> str:
    """Site-relative path of a feed: ``feeds/papers.rss.xml``, ``feeds/tags/llm.atom.xml``."""
    return f"{FEEDS_DIR}/{name}.{fmt}.xml"


def topic_feed_name(topic: Topic) -> str:
    return f"tags/{topic.slug}"


def listing_time(day: dt.date) -> dt.datetime:
    """The date of a feed item: 00:00 UTC of the day the paper was listed (not the arXiv date)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def newest_first(papers: Iterable[FeedPaper]) -> list[FeedPaper]:
    """Newest listing day first, then most upvotes, then id: a total, stable order."""
    return sorted(papers, key=lambda p: (-p.listing_day.toordinal(), -(p.paper.upvotes or 0),
                                         p.paper.id))


def by_upvotes(papers: Iterable[FeedPaper]) -> list[FeedPaper]:
    """One day's papers as the day page shows them: most upvotes first, then id."""
    return sorted(papers, key=lambda p: (-(p.paper.upvotes or 0), p.paper.id))


def build_feeds(
    papers: Sequence[FeedPaper],
    site: FeedSite,
    *,
    kinds: Iterable[str] = FEED_KINDS,
    paper_count: int = DEFAULT_PAPER_COUNT,
    day_count: int = DEFAULT_DAY_COUNT,
    topic_count: int = DEFAULT_TOPIC_COUNT,
) -> list[Feed]:
    """Every feed of the site, RSS and Atom, sorted by path."""
    kinds = set(kinds)
    unknown = kinds - set(FEED_KINDS)
    if unknown:
        raise ValueError(f"unknown feed kind(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(FEED_KINDS)}")
    feeds: list[Feed] = []
    if "papers" in kinds:
        feeds += build_papers_feed(papers, site, count=paper_count)
    if "daily" in kinds:
        feeds += build_daily_feed(papers, site, count=day_count)
    if "topics" in kinds:
        feeds += build_topic_feeds(papers, site, count=topic_count)
    return sorted(feeds, key=lambda feed: feed.path)


def build_papers_feed(papers: Iterable[FeedPaper], site: FeedSite, *,
                      count: int = DEFAULT_PAPER_COUNT) -> list[Feed]:
    """The newest `count` papers of the whole archive."""
    items = newest_first(papers)[:count]
    generator = _new_feed(
        site,
        title=f"{site.name}: latest papers",
        description=f"The newest papers listed on {site.name}, one item per paper.",
        home=site.absolute(""),
        updated=_newest(items),
    )
    for item in items:
        _add_paper(generator, item, site)
    return _serialise(generator, site, "papers")


def build_topic_feeds(papers: Iterable[FeedPaper], site: FeedSite, *,
                      count: int = DEFAULT_TOPIC_COUNT) -> list[Feed]:
    """One feed per topic that has papers: its newest `count` papers."""
    by_topic: dict[Topic, list[FeedPaper]] = {}
    for item in papers:
        for topic in set(item.topics):
            by_topic.setdefault(topic, []).append(item)
    feeds: list[Feed] = []
    for topic in sorted(by_topic):
        if not SLUG_RE.match(topic.slug):
            # The slug becomes a file name and a URL: never a path like "../x" or "a/b".
            raise ValueError(f"topic {topic.name!r}: slug {topic.slug!r} is not a "
                             "lowercase-dash slug")
        items = newest_first(by_topic[topic])[:count]
        name = topic_feed_name(topic)
        topic_name = clean_line(topic.name)
        generator = _new_feed(
            site,
            title=f"{site.name}: {topic_name}",
            description=f"The newest papers on {topic_name} listed on {site.name}.",
            home=site.topic_page(topic),
            updated=_newest(items),
        )
        for item in items:
            _add_paper(generator, item, site)
        feeds += _serialise(generator, site, name)
    return feeds


def build_daily_feed(papers: Iterable[FeedPaper], site: FeedSite, *,
                     count: int = DEFAULT_DAY_COUNT) -> list[Feed]:
    """One item per listing day (the newest `count` days), a digest of that day's papers.

    The GUID is the day page's URL, so when a day is re-fetched (more papers, new upvotes) a
    reader updates the item it already has instead of showing a second one.
    """
    days = itertools.groupby(newest_first(papers), key=lambda p: p.listing_day)
    digests = [(day, by_upvotes(items)) for day, items in itertools.islice(days, count)]
    generator = _new_feed(
        site,
        title=f"{site.name}: daily digest",
        description=f"One item per day listed on {site.name}: that day's papers by upvotes.",
        home=site.absolute(""),
        updated=listing_time(digests[0][0]) if digests else EPOCH,
    )
    # An entry has authors of its own only in the papers feeds; a digest is the site's.
    generator.author(name=clean_line(site.name))
    for day, items in digests:
        _add_day(generator, day, items, site)
    return _serialise(generator, site, "daily")


def digest_title(day: dt.date, count: int) -> str:
    noun = "paper" if count == 1 else "papers"
    return f"Daily Papers — {day.isoformat()} ({count} {noun})"


def feed_authors(paper: Paper) -> tuple[str, ...]:
    """The author names a feed item carries (at most `MAX_FEED_AUTHORS`); never empty.

    Papers from a copied page have no names: the organisation stands in, else the count.
    """
    names, _ = shown_authors(paper, MAX_FEED_AUTHORS)
    if names:
        return names
    if paper.organization and clean_line(paper.organization.display_name):
        return (clean_line(paper.organization.display_name),)
    return (_count_authors(paper.total_authors),)


def shown_authors(paper: Paper, limit: int) -> tuple[tuple[str, ...], int]:
    """The first `limit` author names and how many authors that leaves unnamed."""
    names = tuple(name for name in (clean_line(n) for n in paper.authors) if name)
    shown = names[:limit]
    return shown, max(paper.total_authors, len(names)) - len(shown)


def byline(paper: Paper) -> str:
    """Who wrote a paper whose author names are unknown: its organisation and the count."""
    count = _count_authors(paper.total_authors)
    if paper.organization and clean_line(paper.organization.display_name):
        return f"{clean_line(paper.organization.display_name)} ({count})"
    return count


def render_paper_html(item: FeedPaper, site: FeedSite) -> str:
    """The HTML body of a paper item: authors, topics, AI summary, abstract, links."""
    paper = item.paper
    names, more = shown_authors(paper, MAX_FEED_AUTHORS)
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
    papers = []
    for item in items:
        names, more = shown_authors(item.paper, DIGEST_AUTHORS)
        papers.append({
            "title": clean_line(item.paper.title),
            "url": item.url,
            "upvotes": item.paper.upvotes,
            "authors": names,
            "more_authors": more,
            "byline": None if names else byline(item.paper),
            "arxiv": item.paper.arxiv_url,
        })
    return _render("day.html", day=day, day_url=site.day_page(day), papers=papers)


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


def _new_feed(site: FeedSite, *, title: str, description: str, home: str,
              updated: dt.datetime) -> FeedGenerator:
    """A feed with its metadata set from the data alone, never from the clock."""
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.register_extension("related", BaseExtension, RelatedLinks, atom=True, rss=False)
    generator.title(clean_line(title))
    generator.description(clean_line(description))
    generator.language(site.language)
    generator.generator(GENERATOR, uri=GENERATOR_URI)
    generator.updated(updated)
    generator.link(href=_absolute_url(home, "the feed's home page"), rel="alternate",
                   type="text/html")
    return generator


def _serialise(generator: FeedGenerator, site: FeedSite, name: str) -> list[Feed]:
    """The RSS and Atom bytes of a feed, each with its own URL as self link and id."""
    home = generator.link()[-1]
    feeds = []
    for fmt in FORMATS:
        path = feed_path(name, fmt)
        self_url = site.absolute(path)
        # feedgen makes the RSS channel <link> the last link added: self first, the page last.
        generator.link([{"href": self_url, "rel": "self", "type": MEDIA_TYPES[fmt]}, home],
                       replace=True)
        generator.id(self_url)
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
    authors = feed_authors(paper)
    entry.author([{"name": name} for name in authors])
    entry.dc.dc_creator(list(authors))
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


def _absolute_url(url: str, what: str) -> str:
    """`url` if it is an absolute http(s) URL; feed readers resolve nothing else reliably."""
    if safe_url(url) != url:
        raise ValueError(f"{what}: {url!r} is not an absolute http(s) URL")
    return url


def _count_authors(count: int) -> str:
    if count == 0:
        return "Unknown authors"
    return "1 author" if count == 1 else f"{count} authors"


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
