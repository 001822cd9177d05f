"""The command line behind `scripts/archive.py`: one function pair per subcommand.

Owns argument parsing, progress and error reporting on stderr, and exit codes:
0 success, 1 invalid input or a failure (nothing written), 2 usage error, 3 a fetch that looks
suspicious (a day empty or possibly truncated) with `--strict`.

Each subcommand is registered by an `add_<name>_command(subparsers)` function listed in
`COMMANDS`; it sets `handler` to a function taking the parsed arguments and returning an exit
code. Adding a subcommand (e.g. `render`) means writing one such function and listing it.
The work itself lives in the library modules (`importers`, `merge`, `fetch`, `listing_io`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from paperarchive import fetch, listing_io
from paperarchive.importers import FORMATS, ImportOptions, expand_inputs, read_input
from paperarchive.importers.hf_api import listings_from_entries
from paperarchive.listing_index import IndexedListing, ListingIndex
from paperarchive.merge import MergeResult, find_cross_day_duplicates, merge_archive
from paperarchive.model import Listing, ListingError
from paperarchive.render_command import add_render_command, add_topics_command

log = logging.getLogger("paperarchive")

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_SUSPICIOUS = 3

DEFAULT_LISTINGS = Path("content/listings")


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _add_listings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS, metavar="DIR",
                        help="the listings folder (default: %(default)s)")


def _add_listing_cache_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--listing-cache", type=Path, default=None, metavar="FILE",
                        help="keep an index of the validated listings in FILE, so only "
                             "listings changed since the last run are parsed (`render` "
                             "keeps it beside its --topic-cache: cache/render/listings.json)")


def _report(errors: Iterable[ListingError | str]) -> None:
    for error in errors:
        log.error("error: %s", error)


def load_archive_files(root: Path) -> tuple[list[Listing], dict[dt.date, Path]]:
    """Every listing under `root` and the file each day lives in.

    Raises `ListingError` for the first invalid file, or for a second file of the same day
    (its papers would otherwise be listed twice).
    """
    index = ListingIndex()
    items = _scan_archive(root, index)
    return [index.listing(item) for item in items], {item.date: item.path for item in items}


def _scan_archive(root: Path, index: ListingIndex) -> list[IndexedListing]:
    """Every listing file under `root`, validated (or known valid from `index`); raises
    `ListingError` for the first invalid file or a second file of the same day."""
    items: list[IndexedListing] = []
    paths: dict[dt.date, Path] = {}
    for item in index.scan(root):
        if item.date in paths:
            raise ListingError(f"a second listing of {item.date} (also {paths[item.date]})",
                               source=str(item.path), field="date")
        paths[item.date] = item.path
        items.append(item)
    return items


def _listings_to_merge(items: list[IndexedListing], index: ListingIndex,
                       incoming: list[Listing]) -> list[Listing]:
    """The existing listings a merge of `incoming` can touch: the incoming days and every day
    that lists one of the incoming papers. `merge_archive` leaves the other days alone, so
    merging with these gives the same listings as merging with the whole archive."""
    days = {listing.date for listing in incoming}
    ids = {paper.id for listing in incoming for paper in listing.papers}
    return [index.listing(item) for item in items
            if item.date in days or not ids.isdisjoint(item.ids)]


def _write_merged(root: Path, result: MergeResult, paths: dict[dt.date, Path],
                  index: ListingIndex | None = None) -> list[str]:
    """Write the merged listings atomically; one word per listing: written/unchanged/removed.

    A day keeps the file it already had (wherever under `root` it is); a new day gets the
    standard place. A day left with no papers (its papers moved to an earlier day) is removed
    rather than kept as an empty page. `index` learns what each file now holds.
    """
    outcomes = []
    texts = iter(listing_io.dump_listings([listing for listing in result.listings
                                           if listing.papers]))
    for listing in result.listings:
        path = paths.get(listing.date) or listing_io.listing_path(root, listing.date)
        if not listing.papers:
            if path.exists():
                path.unlink()
                outcomes.append("removed")
            if index is not None:
                index.forget(path)
            continue
        text = next(texts)
        changed = listing_io.write_atomic(path, text)
        if index is not None:
            index.record(path, text, listing)
        outcomes.append("written" if changed else "unchanged")
    return outcomes


def merge_and_write(root: Path, incoming: list[Listing], listing_cache: Path | None = None) -> int:
    """Merge validated listings into the archive under `root` and write what changed.

    The archive is validated first and everything is merged in memory, so an invalid archive
    file stops the import before any file is written. `listing_cache` is a `ListingIndex`
    file: listings validated by an earlier run are not parsed again, only the days the
    merge can touch are loaded in full.
    """
    index = ListingIndex.load(listing_cache)
    try:
        items = _scan_archive(root, index)
        existing = _listings_to_merge(items, index, incoming)
    except ListingError as exc:
        _report([exc])
        log.error("the archive has an invalid listing; nothing written")
        return EXIT_INVALID
    paths = {item.date: item.path for item in items}
    result = merge_archive(existing, incoming)
    for paper_id, from_day, to_day in result.moved:
        log.info("%s: moved from %s to its earlier day %s", paper_id, from_day, to_day)
    for paper_id, day, kept in result.skipped_later:
        log.info("%s: already listed on %s, not listed again on %s", paper_id, kept, day)
    try:
        outcomes = _write_merged(root, result, paths, index)
    except OSError as exc:
        # Each file is replaced atomically, so the archive holds old or new listings, never
        # half a file; a rerun after fixing the cause finishes the job.
        log.error("error: cannot write %s: %s", exc.filename or root, exc.strerror or exc)
        return EXIT_INVALID
    if listing_cache is not None:
        index.save(listing_cache)
    removed = outcomes.count("removed")
    log.info("%d new papers, %d updated; %d listing files written, %d unchanged%s (in %s)",
             result.added, result.updated, outcomes.count("written"),
             outcomes.count("unchanged"), f", {removed} emptied and removed" if removed else "",
             root)
    return EXIT_OK


# --- import -------------------------------------------------------------------------------

def add_import_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import HF API JSON, copied Daily Papers pages or YAML listings",
        description="Validate every input, merge it into the archive in memory, then write each "
                    "changed listing atomically. One bad file means nothing is written, unless "
                    "--keep-going is given.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="input files, or folders to search for .json/.yaml/.yml/.txt")
    parser.add_argument("--format", choices=FORMATS,
                        help="input format (default: by suffix, else by content)")
    _add_listings_option(parser)
    _add_listing_cache_option(parser)
    parser.add_argument("--keep-going", action="store_true",
                        help="import the good files of a batch and list the bad ones (exit 1)")
    parser.add_argument("--date", type=_date_arg, metavar="YYYY-MM-DD",
                        help="the day HF JSON was requested for (default: from the file name), "
                             "or the day a copied page lists (default: its own date)")
    parser.add_argument("--page-year", type=int, metavar="YYYY",
                        help="the year of year-less dates on a copied page (default: the year "
                             "after the latest explicit year on the page)")
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    options = ImportOptions(format=args.format, date=args.date, page_year=args.page_year)
    files = expand_inputs(args.paths)
    if not files:
        log.error("error: no input files found in %s", ", ".join(map(str, args.paths)))
        return EXIT_INVALID
    incoming: list[Listing] = []
    errors: list[ListingError] = []
    for number, path in enumerate(files, 1):
        try:
            fmt, listings = read_input(path, options)
        except ListingError as exc:
            errors.append(exc.located(str(path)))
            log.info("[%d/%d] %s: invalid", number, len(files), path)
            continue
        papers = sum(len(listing.papers) for listing in listings)
        log.info("[%d/%d] %s: %d papers on %d days (%s)",
                 number, len(files), path, papers, len(listings), fmt)
        incoming.extend(listings)
    _report(errors)
    if errors and not args.keep_going:
        log.error("%d of %d files invalid; nothing written (use --keep-going to import the "
                  "good ones)", len(errors), len(files))
        return EXIT_INVALID
    status = merge_and_write(args.listings, incoming, args.listing_cache)
    if errors:
        log.error("%d of %d files invalid and skipped: %s", len(errors), len(files),
                  ", ".join(error.source or "?" for error in errors))
        return EXIT_INVALID
    return status


# --- fetch --------------------------------------------------------------------------------

def add_fetch_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fetch",
        help="download days from the HF Daily Papers API and merge them into the archive",
        description="Download each day (limit=100, paging with p until a short page), validate "
                    "everything, then merge and write. Any failure means nothing is written. "
                    "A day that comes back empty or whose last page was exactly full is "
                    "reported; with --strict that exits 3.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--date", type=_date_arg, metavar="YYYY-MM-DD", help="one day")
    which.add_argument("--since", type=_date_arg, metavar="YYYY-MM-DD",
                       help="every day from this one to --until (inclusive)")
    which.add_argument("--recent", type=_positive_int, metavar="N",
                       help="the last N days up to today (UTC), to refresh upvotes and AI fields")
    parser.add_argument("--until", type=_date_arg, metavar="YYYY-MM-DD",
                        help="last day of a --since range (default: today, UTC)")
    _add_listings_option(parser)
    _add_listing_cache_option(parser)
    parser.add_argument("--strict", action="store_true",
                        help="exit 3 when a day is empty or possibly truncated")
    parser.add_argument("--allow-empty", action="store_true",
                        help="with --strict, an empty day is not suspicious (weekends, holidays, "
                             "today before anything is listed) unless every day came back empty")
    parser.add_argument("--api-url", default=None, metavar="URL",
                        help=f"API endpoint (default: ${fetch.API_URL_ENV} or "
                             f"{fetch.DEFAULT_API_URL})")
    parser.add_argument("--retries", type=int, default=fetch.RetryPolicy.retries, metavar="N",
                        help="retries on 429, 5xx and timeouts (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=fetch.RetryPolicy.timeout,
                        metavar="SECONDS", help="per request (default: %(default)s)")
    parser.add_argument("--page-size", type=_positive_int, default=fetch.PAGE_LIMIT,
                        metavar="N", help="papers per API page (default: %(default)s)")
    parser.set_defaults(handler=run_fetch)


def days_to_fetch(args: argparse.Namespace, today: dt.date) -> list[dt.date]:
    """The days a fetch covers, oldest first."""
    if args.date:
        return [args.date]
    if args.recent:
        return [today - dt.timedelta(days=n) for n in range(args.recent - 1, -1, -1)]
    until = args.until or today
    return [args.since + dt.timedelta(days=n) for n in range((until - args.since).days + 1)]


def run_fetch(args: argparse.Namespace) -> int:
    if args.until and not args.since:
        log.error("error: --until needs --since")
        return EXIT_USAGE
    days = days_to_fetch(args, dt.datetime.now(dt.UTC).date())
    if not days:
        log.error("error: --since %s is after --until %s", args.since, args.until)
        return EXIT_USAGE
    base_url = args.api_url or os.environ.get(fetch.API_URL_ENV) or fetch.DEFAULT_API_URL
    policy = fetch.RetryPolicy(retries=max(0, args.retries), timeout=args.timeout)
    incoming: list[Listing] = []
    warnings: list[str] = []
    papers_fetched = 0
    for number, day in enumerate(days, 1):
        try:
            result = fetch.fetch_day(day, base_url=base_url, limit=args.page_size,
                                     policy=policy)
            listings = listings_from_entries(list(result.entries), requested=day)
        except fetch.FetchError as exc:
            log.error("error: %s: %s", day, exc)
            log.error("fetch failed; nothing written")
            return EXIT_INVALID
        except ListingError as exc:
            log.error("error: %s", exc.located(fetch.page_url(base_url, day, 0, args.page_size)))
            log.error("the API returned invalid data; nothing written")
            return EXIT_INVALID
        log.info("[%d/%d] %s: %d papers (%d page%s)", number, len(days), day,
                 len(result.entries), result.pages, "" if result.pages == 1 else "s")
        if args.allow_empty and not result.entries:
            # Merging never drops a paper, so an empty answer cannot shrink the archive.
            log.info("%s: no papers listed (allowed by --allow-empty)", day)
        else:
            for warning in result.warnings:
                log.warning("warning: %s", warning)
            warnings.extend(result.warnings)
        incoming.extend(listings)
        papers_fetched += len(result.entries)
    if args.allow_empty and not papers_fetched:
        warning = f"all {len(days)} day(s) came back empty: the API may be failing"
        log.warning("warning: %s", warning)
        warnings.append(warning)
    status = merge_and_write(args.listings, incoming, args.listing_cache)
    if status == EXIT_OK and warnings and args.strict:
        log.error("%d suspicious day(s) (see warnings above); exiting %d because of --strict",
                  len(warnings), EXIT_SUSPICIOUS)
        return EXIT_SUSPICIOUS
    return status


# --- validate -----------------------------------------------------------------------------

def add_validate_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check listing files (all under --listings, or the given files)",
        description="Load and validate listing files, report every invalid one and every paper "
                    "listed on two days. Writes nothing.",
    )
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="listing files to check (default: every listing under --listings)")
    _add_listings_option(parser)
    parser.set_defaults(handler=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    files = list(args.files) if args.files else list(listing_io.iter_listing_files(args.listings))
    listings: list[Listing] = []
    problems: list[ListingError | str] = []
    day_files: dict[dt.date, Path] = {}
    for path in files:
        try:
            listing = listing_io.load_listing(path)
        except ListingError as exc:
            problems.append(exc)
            continue
        if listing.date in day_files:
            problems.append(f"{path}: date: a second listing of {listing.date} "
                            f"(also {day_files[listing.date]})")
        day_files.setdefault(listing.date, path)
        listings.append(listing)
    for paper_id, first, later in find_cross_day_duplicates(listings):
        problems.append(f"paper {paper_id}: listed on {first} and again on {later} "
                        f"(a paper belongs to its first day only)")
    _report(problems)
    papers = sum(len(listing.papers) for listing in listings)
    log.info("%d listing files, %d papers, %d problems", len(files), papers, len(problems))
    return EXIT_INVALID if problems else EXIT_OK


# --- entry point --------------------------------------------------------------------------

# One function per subcommand; each adds its parser and sets `handler`.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_import_command,
    add_fetch_command,
    add_validate_command,
    add_render_command,
    add_topics_command,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive.py",
        description="Maintain the paper archive: import, fetch and validate daily listings.",
        epilog="Exit codes: 0 ok, 1 invalid input or failure (nothing written), 2 usage error, "
               "3 suspicious fetch with --strict.",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only print errors")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def configure_logging(quiet: bool) -> None:
    """Messages go to stderr, one line each; progress is INFO, problems WARNING and above."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("paperarchive")
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if quiet else logging.INFO)
    root.propagate = False


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
    configure_logging(args.quiet)
    return args.handler(args)
