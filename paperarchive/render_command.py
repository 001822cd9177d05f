"""The `render` and `topics` subcommands: listings to Markdown, and the taxonomy at work.

`render` writes every listing as Markdown articles under `content/papers/`; `topics` reports
how many papers each curated topic gets, or why given papers got theirs, for whoever edits
`taxonomy.yaml`. Owns their command-line options and output; `cli` lists `add_render_command`
and `add_topics_command` in its `COMMANDS`. The work lives in `render` and `taxonomy`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path

from paperarchive import listing_io
from paperarchive.model import Listing, ListingError
from paperarchive.render import render_listing_files
from paperarchive.taxonomy import (
    Taxonomy,
    TaxonomyError,
    explain_topics,
    load_taxonomy,
    topics_for,
)

log = logging.getLogger("paperarchive")

EXIT_OK = 0
EXIT_INVALID = 1

DEFAULT_LISTINGS = Path("content/listings")
DEFAULT_PAPERS = Path("content/papers")
DEFAULT_TAXONOMY = Path("taxonomy.yaml")


def _add_archive_options(parser: argparse.ArgumentParser) -> None:
    """The options both subcommands read the archive with."""
    parser.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS, metavar="DIR",
                        help="the listings folder (default: %(default)s)")
    parser.add_argument("--taxonomy", type=Path, default=DEFAULT_TAXONOMY, metavar="FILE",
                        help="the curated topics (default: %(default)s)")


def _load_archive(args: argparse.Namespace) -> tuple[Taxonomy, list[Listing]] | None:
    """The taxonomy and every listing, or None after logging the located error."""
    try:
        return load_taxonomy(args.taxonomy), listing_io.load_archive(args.listings)
    except (ListingError, TaxonomyError) as exc:
        log.error("error: %s", exc)
        return None


def add_render_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "render",
        help="turn every listing into Markdown articles for Pelican",
        description="Write one Markdown article per paper under --papers (rewritten only when "
                    "its text changes) and remove articles of papers no longer listed.",
    )
    _add_archive_options(parser)
    parser.add_argument("--papers", type=Path, default=DEFAULT_PAPERS, metavar="DIR",
                        help="where the articles go (default: %(default)s)")
    parser.add_argument("--topic-cache", type=Path, default=None, metavar="FILE",
                        help="keep each paper's topics in FILE between renders, so only new or "
                             "changed papers are matched (`make render` uses "
                             "cache/render/topics.json: a subfolder, since Pelican's cache "
                             "folder must hold only its own files); an index of the validated "
                             "listings and a manifest of the articles written are kept beside "
                             "it, so unchanged listings are not parsed and unchanged articles "
                             "not rendered again")
    parser.set_defaults(handler=run_render)


def run_render(args: argparse.Namespace) -> int:
    try:
        taxonomy = load_taxonomy(args.taxonomy)
        report, listings = render_listing_files(args.listings, args.papers, taxonomy,
                                                topic_cache=args.topic_cache)
    except (ListingError, TaxonomyError) as exc:
        log.error("error: %s", exc)
        return EXIT_INVALID
    log.info("render: %d papers from %d listings; %d written, %d removed, %d duplicates skipped",
             report.papers, listings, report.written, report.removed, report.duplicates)
    return EXIT_OK


def add_topics_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "topics",
        help="papers per topic, or why given papers have their topics",
        description="Without ids: each topic of --taxonomy with the number of papers of "
                    "--listings it matches, then the papers with no topic. With ids: each "
                    "paper's topics and the terms that matched (title, keyword or abstract).",
    )
    parser.add_argument("ids", nargs="*", metavar="ID", help="paper ids to explain")
    _add_archive_options(parser)
    parser.set_defaults(handler=run_topics)


def run_topics(args: argparse.Namespace) -> int:
    loaded = _load_archive(args)
    if loaded is None:
        return EXIT_INVALID
    taxonomy, listings = loaded
    papers = {paper.id: paper for listing in listings for paper in listing.papers}
    out = sys.stdout
    if args.ids:
        unknown = [paper_id for paper_id in args.ids if paper_id not in papers]
        if unknown:
            log.error("error: not in %s: %s", args.listings, ", ".join(unknown))
            return EXIT_INVALID
        for paper_id in args.ids:
            paper = papers[paper_id]
            out.write(f"{paper.id}  {paper.title}\n")
            matches = explain_topics(paper, taxonomy)
            for match in matches:
                out.write(f"  {match.topic.slug}: {match.field}: {'; '.join(match.matched)}\n")
            if not matches:
                out.write("  (no topic)\n")
        return EXIT_OK
    counts: Counter[str] = Counter()
    untagged = []
    for paper in papers.values():
        topics = topics_for(paper, taxonomy)
        counts.update(topic.slug for topic in topics)
        if not topics:
            untagged.append(paper)
    total = len(papers) or 1
    for topic in taxonomy.topics:
        count = counts[topic.slug]
        out.write(f"{count:6d} {100 * count / total:5.1f}%  {topic.slug}  ({topic.name})\n")
    out.write(f"{len(untagged):6d} {100 * len(untagged) / total:5.1f}%  (no topic)\n")
    for paper in untagged:
        out.write(f"         {paper.id}  {paper.title}\n")
    return EXIT_OK
