"""The `render` subcommand: every listing to Markdown articles under `content/papers/`.

Owns the command-line options of rendering and how its outcome is reported; `cli` lists
`add_render_command` in its `COMMANDS`. The work lives in `render` and `taxonomy`.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from paperarchive import listing_io
from paperarchive.model import ListingError
from paperarchive.render import render_archive
from paperarchive.taxonomy import TaxonomyError, load_taxonomy

log = logging.getLogger("paperarchive")

EXIT_OK = 0
EXIT_INVALID = 1

DEFAULT_LISTINGS = Path("content/listings")
DEFAULT_PAPERS = Path("content/papers")
DEFAULT_TAXONOMY = Path("taxonomy.yaml")


def add_render_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "render",
        help="turn every listing into Markdown articles for Pelican",
        description="Write one Markdown article per paper under --papers (rewritten only when "
                    "its text changes) and remove articles of papers no longer listed.",
    )
    parser.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS, metavar="DIR",
                        help="the listings folder (default: %(default)s)")
    parser.add_argument("--papers", type=Path, default=DEFAULT_PAPERS, metavar="DIR",
                        help="where the articles go (default: %(default)s)")
    parser.add_argument("--taxonomy", type=Path, default=DEFAULT_TAXONOMY, metavar="FILE",
                        help="the curated topics (default: %(default)s)")
    parser.add_argument("--topic-cache", type=Path, default=None, metavar="FILE",
                        help="keep each paper's topics in FILE between renders, so only new or "
                             "changed papers are matched (`make render` uses cache/topics.json)")
    parser.set_defaults(handler=run_render)


def run_render(args: argparse.Namespace) -> int:
    try:
        taxonomy = load_taxonomy(args.taxonomy)
        listings = listing_io.load_archive(args.listings)
    except (ListingError, TaxonomyError) as exc:
        log.error("error: %s", exc)
        return EXIT_INVALID
    report = render_archive(listings, args.papers, taxonomy, topic_cache=args.topic_cache)
    log.info("render: %d papers from %d listings; %d written, %d removed, %d duplicates skipped",
             report.papers, len(listings), report.written, report.removed, report.duplicates)
    return EXIT_OK
