"""Listings to Markdown: one article per paper under `content/papers/YYYY/MM/DD/<id>.md`.

Owns the Markdown form of a paper, which Pelican reads and the `archive_pages` plugin turns back
into a `Paper`. `render_paper` is pure (same paper, same bytes); `render_archive` is the edge
that writes files atomically (only when their text changes, so Pelican's cache and CI caches
stay warm) and removes the files of papers that left the listings.

The format, kept simple so a dedicated reader can parse it without Python-Markdown::

    Title: <title>
    Date: <listing day, YYYY-MM-DD>
    Slug: <paper id>
    Paper-Id: <paper id>
    Listing-Day: <YYYY-MM-DD>
    Paper-Author: <one author per line, the key repeated>
    Topic: <slug> <Display Name>        (one per line; the slug never contains a space)
    Abstract: <one paragraph per line>
    ...                                  (the other `Paper` fields, see HEADER_FIELDS)
    <blank line>
    <the abstract as escaped Markdown>

Every header value is one line of cleaned text (the model guarantees no newlines or control
characters); absent optional fields are left out. The header repeats the abstract so the paper
can be rebuilt from metadata alone; the body is the abstract for display, escaped so that it
can neither inject HTML nor be read as Markdown syntax.

It leaves the meaning and validation of fields to `model`, topic matching to `taxonomy`, and
HTML to Pelican and the theme.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from paperarchive import atomic
from paperarchive import listing_io as _listing_io
from paperarchive import model as _model
from paperarchive import taxonomy as _taxonomy
from paperarchive import topic_cache as _topic_cache
from paperarchive.listing_index import IndexedListing, ListingIndex, source_fingerprint
from paperarchive.listing_io import write_atomic
from paperarchive.model import Listing, Paper, Topic, day_problem
from paperarchive.taxonomy import Taxonomy
from paperarchive.topic_cache import TopicCache, paper_key, taxonomy_fingerprint

log = logging.getLogger(__name__)

# What decides an article besides its listing and the taxonomy: this code and what it calls.
_CODE_FINGERPRINT = source_fingerprint(_model, _listing_io, _taxonomy, _topic_cache,
                                       sys.modules[__name__])

# Header keys for the Paper fields, in the order they are written. Keys Pelican gives a meaning
# of its own (author, authors, tags, category, summary, status) are avoided on purpose.
SCALAR_FIELDS = (
    ("published", "Published"),
    ("author_count", "Author-Count"),
    ("upvotes", "Upvotes"),
    ("comments", "Comments"),
    ("github", "Github"),
    ("github_stars", "Github-Stars"),
    ("project_page", "Project-Page"),
    ("thumbnail", "Thumbnail"),
    ("submitter", "Submitter"),
)
LIST_FIELDS = (("authors", "Paper-Author"), ("keywords", "Keyword"))
PARAGRAPH_FIELDS = (("ai_summary", "Ai-Summary"), ("abstract", "Abstract"))

# Characters with inline Markdown meaning anywhere in a line. `<`, `>` and `&` are handled by
# HTML escaping; `(`, `)`, `.`, `-`, `+`, `!` and `#` only matter at the start of a block, and a
# paragraph here is always a single line, so they are escaped there only.
_INLINE_SPECIALS_RE = re.compile(r"([\\`*_{}\[\]])")
_BLOCK_START_RE = re.compile(r"^(?:([#+-])|([0-9]+)\.(?=\s|$))")


def escape_markdown(text: str) -> str:
    """One paragraph of plain text as Markdown that renders back to exactly that text.

    HTML-special characters become entities (no tag, comment or autolink can form) and
    Markdown specials are backslash-escaped (no emphasis, code, link, list or heading).
    """
    escaped = _INLINE_SPECIALS_RE.sub(r"\\\1", html.escape(text, quote=False))
    return _BLOCK_START_RE.sub(_escape_block_start, escaped, count=1)


def _escape_block_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\."


def render_paper(paper: Paper, day: dt.date, topics: Iterable[Topic] = ()) -> str:
    """The Markdown article of `paper` as listed on `day`."""
    lines = [
        f"Title: {paper.title}",
        f"Date: {day.isoformat()}",
        f"Slug: {paper.id}",
        f"Paper-Id: {paper.id}",
        f"Listing-Day: {day.isoformat()}",
    ]
    for attribute, key in SCALAR_FIELDS:
        value = getattr(paper, attribute)
        if value is not None:
            text = value.isoformat() if isinstance(value, dt.date) else str(value)
            lines.append(f"{key}: {text}")
    if paper.organization is not None:
        lines.append(f"Organization: {paper.organization.name}")
        if paper.organization.fullname:
            lines.append(f"Organization-Name: {paper.organization.fullname}")
    for attribute, key in LIST_FIELDS:
        lines.extend(f"{key}: {value}" for value in getattr(paper, attribute))
    lines.extend(f"Topic: {topic.slug} {topic.name}" for topic in topics)
    for attribute, key in PARAGRAPH_FIELDS:
        value = getattr(paper, attribute)
        if value:
            lines.extend(f"{key}: {paragraph}" for paragraph in value.split("\n\n"))
    body = "\n\n".join(escape_markdown(p) for p in paper.abstract.split("\n\n"))
    return "\n".join(lines) + "\n\n" + body + "\n"


def paper_path(root: Path, day: dt.date, paper_id: str) -> Path:
    """Where the article of a paper listed on `day` lives under `root` (content/papers)."""
    return root / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}" / f"{paper_id}.md"


@dataclass(frozen=True)
class RenderReport:
    """What `render_archive` did, for the command line to report."""

    papers: int
    written: int
    removed: int
    duplicates: int


def render_articles(listings: Iterable[Listing], taxonomy: Taxonomy,
                    topic_cache: TopicCache | None = None) -> dict[Path, str]:
    """Relative path -> Markdown for every paper, each listed once, on its first day.

    Topics come from `topic_cache` (for `taxonomy`; a fresh in-memory one if None), which
    matches the papers it has not seen on every CPU when there are many.
    """
    cache = topic_cache if topic_cache is not None else TopicCache(taxonomy)
    kept: list[tuple[dt.date, Paper]] = []
    first_day: dict[str, dt.date] = {}
    for listing in sorted(listings, key=lambda listing: listing.date):
        for paper in listing.papers:
            if paper.id in first_day:
                log.warning("paper %s is listed on %s and again on %s; keeping %s",
                            paper.id, first_day[paper.id], listing.date, first_day[paper.id])
                continue
            first_day[paper.id] = listing.date
            kept.append((listing.date, paper))
    cache.prefetch(paper for _day, paper in kept)
    return {paper_path(Path(), day, paper.id): render_paper(paper, day, cache.topics_for(paper))
            for day, paper in kept}


def render_archive(listings: Iterable[Listing], root: Path, taxonomy: Taxonomy,
                   topic_cache: Path | None = None) -> RenderReport:
    """Write every paper's article under `root`; remove articles no listing has any more.

    `topic_cache` is a file keeping each paper's topics between renders (see `topic_cache`).
    """
    listings = list(listings)
    cache = TopicCache.load(topic_cache, taxonomy) if topic_cache is not None else None
    articles = render_articles(listings, taxonomy, cache)
    if cache is not None and topic_cache is not None:
        cache.save(topic_cache)
        log.info("render: topics of %d papers matched, %d from the cache",
                 cache.misses + cache.prefetched, cache.hits - cache.prefetched)
    root.mkdir(parents=True, exist_ok=True)  # Pelican needs its content folder, even empty
    # Articles are regenerated from the listings on every build: no fsync needed.
    written = sum(write_atomic(root / path, text, durable=False)
                  for path, text in sorted(articles.items()))
    removed = _remove_stale(root, {root / path for path in articles})
    total = sum(len(listing.papers) for listing in listings)
    return RenderReport(papers=len(articles), written=written, removed=removed,
                        duplicates=total - len(articles))


# Bump when the manifest format changes; code changes are caught by the source fingerprint.
MANIFEST_VERSION = 1
LISTING_INDEX_FILE = "listings.json"
MANIFEST_FILE = "papers.json"


def render_listing_files(listings_root: Path, root: Path, taxonomy: Taxonomy,
                         topic_cache: Path | None = None) -> tuple[RenderReport, int]:
    """`render_archive` for the listing files under `listings_root`, and how many there are.

    With a `topic_cache` file, two more caches live beside it: the `ListingIndex`
    (listings.json, and the parsed listings it keeps), so unchanged listings are not parsed,
    and a manifest (papers.json) of
    the articles written: per article, the hash of the listing it came from and the size and
    modification time its file had afterwards. An article whose listing is unchanged and
    whose file still has that size and time is not rendered nor read again; everything else
    (a new or changed listing, a deleted or hand-edited article) is rendered and compared
    with the file as without the caches, so the articles are the same bytes either way. The
    manifest is dropped when this code or the taxonomy changes, and ignored when broken.
    """
    index = ListingIndex.load(topic_cache.parent / LISTING_INDEX_FILE if topic_cache else None)
    items = []
    for item in sorted(index.scan(listings_root), key=lambda item: item.date):
        problem = day_problem(item.date)
        if problem is not None:  # `validate` refuses it; the build leaves only it out
            log.warning("warning: %s: date: %s; not built", item.path, problem)
            continue
        items.append(item)
    cache = TopicCache.load(topic_cache, taxonomy) if topic_cache is not None else None
    fingerprint = hashlib.sha256(
        f"{MANIFEST_VERSION} {_CODE_FINGERPRINT} {taxonomy_fingerprint(taxonomy)}".encode()
    ).hexdigest()
    manifest_path = topic_cache.parent / MANIFEST_FILE if topic_cache is not None else None
    manifest = _load_manifest(manifest_path, fingerprint)

    first_day: dict[str, dt.date] = {}
    kept: list[tuple[IndexedListing, str, str]] = []  # (listing, paper id, relative path)
    for item in items:
        folder = f"{item.date:%Y}/{item.date:%m}/{item.date:%d}/"
        for paper_id in item.ids:
            if paper_id in first_day:
                log.warning("paper %s is listed on %s and again on %s; keeping %s",
                            paper_id, first_day[paper_id], item.date, first_day[paper_id])
                continue
            first_day[paper_id] = item.date
            kept.append((item, paper_id, f"{folder}{paper_id}.md"))

    on_disk, has_empty_folder = _scan_articles(root)
    base = os.path.join(root, "")
    entries: dict[str, list] = {}
    todo: list[tuple[IndexedListing, str, str]] = []
    for item, paper_id, rel in kept:
        entry = manifest.get(rel)
        if (entry is not None and entry[0] == item.digest
                and on_disk.get(base + rel) == (entry[1], entry[2])):
            entries[rel] = entry
        else:
            todo.append((item, paper_id, rel))
    topics = cache if cache is not None else TopicCache(taxonomy)
    for entry in entries.values():
        topics.keep(entry[3])
    papers: dict[tuple[Path, str], Paper] = {}
    for item in dict.fromkeys(item for item, _id, _rel in todo):
        papers.update(((item.path, paper.id), paper) for paper in index.listing(item).papers)
    jobs = sorted(todo, key=lambda job: job[2])
    todo_papers = [papers[item.path, paper_id] for item, paper_id, _rel in jobs]
    keys = [paper_key(paper) for paper in todo_papers]
    topics.prefetch(todo_papers, keys=keys)

    root.mkdir(parents=True, exist_ok=True)  # Pelican needs its content folder, even empty
    written = 0
    folders: set[str] = set()
    for (item, _paper_id, rel), paper, key in zip(jobs, todo_papers, keys, strict=True):
        text = render_paper(paper, item.date, topics.topics_for(paper, key))
        path = base + rel
        folder = os.path.dirname(path)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        stat = _write_article(path, text.encode("utf-8"))
        written += stat is not None
        stat = stat or os.stat(path)
        entries[rel] = [item.digest, stat.st_size, stat.st_mtime_ns, key]
    stale = [path for path in on_disk if path[len(base):] not in entries]
    for path in sorted(stale):
        os.unlink(path)
    if stale or has_empty_folder:
        _remove_empty_folders(root)

    if topic_cache is not None and cache is not None and manifest_path is not None:
        cache.save(topic_cache)
        index.save(topic_cache.parent / LISTING_INDEX_FILE)
        _save_manifest(manifest_path, fingerprint, entries)
        log.info("render: topics of %d papers matched, %d from the cache; %d articles "
                 "unchanged since the last render", cache.misses + cache.prefetched,
                 cache.hits - cache.prefetched, len(kept) - len(todo))
    total = sum(len(item.ids) for item in items)
    report = RenderReport(papers=len(kept), written=written, removed=len(stale),
                          duplicates=total - len(kept))
    return report, len(items)


def _write_article(path: str, data: bytes) -> os.stat_result | None:
    """`write_atomic(path, text, durable=False)` for an article whose folder exists: the
    file's stat after writing, or None when it already held `data`. A temp file named by the
    process id instead of `mkstemp`'s random one (a leftover of a killed run is overwritten,
    and ignored by Pelican and git as `.*.tmp`)."""
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return None
    except FileNotFoundError:
        pass
    atomic.write_bytes(path, data, per_process=True)
    return os.stat(path)


def _scan_articles(root: Path) -> tuple[dict[str, tuple[int, int]], bool]:
    """(size, modification time) of every Markdown file under `root` by path, and whether
    some folder there is empty."""
    found: dict[str, tuple[int, int]] = {}
    has_empty = False
    folders = [os.fspath(root)] if root.is_dir() else []
    while folders:
        folder = folders.pop()
        empty = True
        with os.scandir(folder) as scan:
            for entry in scan:
                empty = False
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.endswith(".md"):
                    stat = entry.stat()
                    found[entry.path] = (stat.st_size, stat.st_mtime_ns)
        has_empty = has_empty or (empty and folder != os.fspath(root))
    return found, has_empty


def _load_manifest(path: Path | None, fingerprint: str) -> dict[str, list]:
    """The manifest's entries if `path` holds one for `fingerprint`, else none."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s: ignoring the render manifest (%s)", path, exc)
        return {}
    try:
        if data["fingerprint"] != fingerprint:
            log.info("%s: rendered by other code or for another taxonomy, rendering all", path)
            return {}
        entries = data["papers"]
        for rel, (digest, size, mtime, key) in entries.items():
            if not (isinstance(rel, str) and isinstance(digest, str) and isinstance(key, str)
                    and type(size) is int and type(mtime) is int):
                raise ValueError(f"malformed entry {rel!r}")
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("%s: ignoring the render manifest (malformed: %s)", path, exc)
        return {}
    return entries


def _save_manifest(path: Path, fingerprint: str, entries: dict[str, list]) -> None:
    data = {"fingerprint": fingerprint, "papers": dict(sorted(entries.items()))}
    try:
        write_atomic(path, json.dumps(data, separators=(",", ":")) + "\n", durable=False)
    except OSError as exc:
        log.warning("%s: cannot write the render manifest (%s)", path, exc)


def _remove_empty_folders(root: Path) -> None:
    for folder, _subfolders, _files in sorted(os.walk(root), reverse=True):
        folder_path = Path(folder)
        if folder_path != root and not any(folder_path.iterdir()):
            folder_path.rmdir()


def _remove_stale(root: Path, keep: set[Path]) -> int:
    """Delete Markdown files under `root` not in `keep`, then the folders left empty."""
    if not root.exists():
        return 0
    removed = 0
    for path in sorted(root.rglob("*.md")):
        if path not in keep:
            path.unlink()
            removed += 1
    _remove_empty_folders(root)
    return removed
