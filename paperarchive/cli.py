"""The command line behind `scripts/archive.py`: one function pair per subcommand.

Owns argument parsing, progress and error reporting on stderr, and exit codes:
0 everything good was written (with a warning for each paper or field left out), 1 nothing could
be done (every input unusable, the API unreachable, the archive invalid), 2 usage error, 3 a day
that looks wrong as a whole (refused, possibly truncated, could not be fetched; for `fetch` only
with `--strict`), the rest still written. Under GitHub Actions (`GITHUB_ACTIONS=true`) every
warning is also a `::warning file=...::` annotation and the run's summary lists them.

Each subcommand is registered by an `add_<name>_command(subparsers)` function listed in
`COMMANDS`; it sets `handler` to a function taking the parsed arguments and returning an exit
code. Adding a subcommand (e.g. `render`) means writing one such function and listing it.
The work itself lives in the library modules (`importers`, `merge`, `fetch`, `listing_io`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from paperarchive import fetch, listing_io
from paperarchive.importers import FORMATS, ImportOptions, expand_inputs, read_input
from paperarchive.importers.hf_api import listings_from_entries
from paperarchive.listing_index import IndexedListing, ListingIndex
from paperarchive.merge import MergeResult, find_cross_day_duplicates, merge_archive
from paperarchive.model import (
    DayRefused,
    Listing,
    ListingError,
    Problems,
    day_problem,
    paper_day_problem,
)
from paperarchive.render_command import add_render_command, add_topics_command
from paperarchive.taxonomy import TaxonomyError, load_taxonomy

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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected more than 0 seconds, got {text}")
    return value


def _whole_number(minimum: int):
    """An argparse type: a whole number of at least `minimum`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {minimum} or more, got {value}")
        return value
    return parse


_count_arg = _whole_number(0)
_positive_int = _whole_number(1)


def _url_arg(text: str) -> str:
    try:
        return fetch.check_api_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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


@dataclass
class RunReport:
    """The warnings of one run, each with the file it concerns, for the log and for GitHub."""

    title: str
    warnings: list[tuple[str | None, str]] = field(default_factory=list)

    def warn(self, message: str | ListingError, file: Path | str | None = None) -> None:
        log.warning("warning: %s", message)
        self.warnings.append((str(file) if file is not None else None, str(message)))

    def note_problems(self, problems: Problems, file: Path | str | None,
                      default_source: str | None = None) -> None:
        for error in problems.skipped:
            self.warn(f"{error.located(default_source) if default_source else error} "
                      f"(paper skipped)", file)
        for error in problems.repaired:
            self.warn(error.located(default_source) if default_source else error, file)

    def publish(self, status: int, env: dict[str, str] | None = None) -> None:
        """Under GitHub Actions: annotations on stdout, and a section of the step summary."""
        env = os.environ if env is None else env
        if env.get("GITHUB_ACTIONS") != "true":
            return
        for file, message in self.warnings:
            props = [f"file={_gh_property(file)}"] if file else []
            props.append(f"title={_gh_property(self.title)}")
            sys.stdout.write(f"::warning {','.join(props)}::{_gh_data(message)}\n")
        sys.stdout.flush()
        summary = env.get("GITHUB_STEP_SUMMARY")
        if not summary:
            return
        lines = [f"### {self.title}: exit {status}", ""]
        if not self.warnings:
            lines.append("No warnings.")
        for file, message in self.warnings:
            lines.append(f"- {'`' + file + '`: ' if file else ''}{_md(message)}")
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n\n")
        except OSError as exc:
            log.warning("warning: cannot write the step summary %s: %s", summary, exc.strerror)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


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
    """The existing listings a merge of `incoming` can touch: the incoming days, every day
    that lists one of the incoming papers, and every day that lists a paper another day lists
    too (a move killed half-way; the merge heals it). `merge_archive` leaves the other days
    alone, so merging with these gives the same listings as merging with the whole archive."""
    days = {listing.date for listing in incoming}
    ids = {paper.id for listing in incoming for paper in listing.papers}
    seen: set[str] = set()
    for item in items:
        ids.update(seen.intersection(item.ids))
        seen.update(item.ids)
    return [index.listing(item) for item in items
            if item.date in days or not ids.isdisjoint(item.ids)]


def _write_merged(root: Path, result: MergeResult, paths: dict[dt.date, Path],
                  index: ListingIndex | None = None) -> list[str]:
    """Write the merged listings atomically; one word per listing: written/unchanged/removed.

    A day keeps the file it already had (wherever under `root` it is); a new day gets the
    standard place. A day left with no papers (its papers moved to another day) is removed
    rather than kept as an empty page. The days papers moved to are written first and the
    days they left last, so a run killed in between leaves a paper on two days (which the
    next run heals), never on none. `index` learns what each file now holds.
    """
    destinations = {to_day for _id, _from, to_day in result.moved}
    kept = [listing for listing in result.listings if listing.papers]
    texts = dict(zip((listing.date for listing in kept),
                     listing_io.dump_listings(kept), strict=True))
    order = sorted(result.listings, key=lambda listing: (
        not listing.papers, listing.date not in destinations, listing.date))
    outcomes = []
    for listing in order:
        path = paths.get(listing.date) or listing_io.listing_path(root, listing.date)
        if not listing.papers:
            if path.exists():
                path.unlink()
                outcomes.append("removed")
            if index is not None:
                index.forget(path)
            continue
        text = texts[listing.date]
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
        if to_day < from_day:
            log.info("%s: moved from %s to its earlier day %s", paper_id, from_day, to_day)
        else:
            log.info("%s: moved from the placeholder day %s to its day %s", paper_id, from_day,
                     to_day)
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
                    "changed listing atomically. A paper that cannot be kept is left out with a "
                    "warning naming file, paper and field; a file that cannot be read, or whose "
                    "papers are mostly invalid, is refused whole (exit 3) and the other files "
                    "are still imported; exit 1 when no file could be imported.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="input files, or folders to search for .json/.yaml/.yml/.txt")
    parser.add_argument("--format", choices=FORMATS,
                        help="input format (default: by suffix, else by content)")
    _add_listings_option(parser)
    _add_listing_cache_option(parser)
    # What every import does now; kept so that scripts written for it still run.
    parser.add_argument("--keep-going", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--date", type=_date_arg, metavar="YYYY-MM-DD",
                        help="the day HF JSON was requested for (default: from the file name), "
                             "or the day a copied page lists (default: its own date)")
    parser.add_argument("--page-year", type=int, metavar="YYYY",
                        help="the year of year-less dates on a copied page (default: the year "
                             "after the latest explicit year on the page)")
    parser.set_defaults(handler=run_import)


def plausible_listings(listings: list[Listing], problems: Problems,
                       today: dt.date | None = None) -> list[Listing]:
    """`listings` without the papers listed before their arXiv id's month (noted in
    `problems.skipped`); a listing on an implausible day raises `DayRefused`."""
    kept = []
    for listing in listings:
        problem = day_problem(listing.date, today)
        if problem is not None:
            raise DayRefused(problem, field="date")
        papers = []
        for paper in listing.papers:
            problem = paper_day_problem(paper.id, listing.date)
            if problem is None:
                papers.append(paper)
            else:
                problems.skipped.append(ListingError(problem, paper=paper.id, field="date"))
        kept.append(Listing(date=listing.date, papers=tuple(papers)))
    return kept


def run_import(args: argparse.Namespace) -> int:
    options = ImportOptions(format=args.format, date=args.date, page_year=args.page_year)
    files = expand_inputs(args.paths)
    if not files:
        log.error("error: no input files found in %s", ", ".join(map(str, args.paths)))
        return EXIT_INVALID
    report = RunReport("archive.py import")
    incoming: list[Listing] = []
    refused: list[ListingError] = []
    for number, path in enumerate(files, 1):
        problems = Problems()
        try:
            fmt, listings = read_input(path, options, problems)
            listings = plausible_listings(listings, problems)
        except ListingError as exc:
            error = exc.located(str(path))
            refused.append(error)
            log.error("error: %s", error)
            report.warnings.append((str(path), f"refused: {error}"))
            log.info("[%d/%d] %s: refused", number, len(files), path)
            continue
        report.note_problems(problems, path, str(path))
        papers = sum(len(listing.papers) for listing in listings)
        skipped = f", {len(problems.skipped)} skipped" if problems.skipped else ""
        log.info("[%d/%d] %s: %d papers on %d days (%s)%s",
                 number, len(files), path, papers, len(listings), fmt, skipped)
        incoming.extend(listings)
    if len(refused) == len(files):
        log.error("no file could be imported (%d refused); nothing written", len(refused))
        report.publish(EXIT_INVALID)
        return EXIT_INVALID
    status = merge_and_write(args.listings, incoming, args.listing_cache)
    if status == EXIT_OK and refused:
        log.error("error: %d of %d files refused, the others imported: %s",
                  len(refused), len(files), ", ".join(error.source or "?" for error in refused))
        status = EXIT_SUSPICIOUS
    report.publish(status)
    return status


# --- fetch --------------------------------------------------------------------------------

def add_fetch_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fetch",
        help="download days from the HF Daily Papers API and merge them into the archive",
        description="Download each day (limit=100, paging with p until a short page), validate "
                    "it, then merge and write every good day. A paper that cannot be kept is "
                    "left out with a warning; a day that cannot be fetched, whose entries are "
                    "mostly invalid, or that may be truncated is left out and reported (exit 3 "
                    "with --strict); exit 1 only when no day could be fetched.",
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
                        help="exit 3 when a day is empty, possibly truncated, refused or could "
                             "not be fetched (the good days are written all the same)")
    parser.add_argument("--allow-empty", action="store_true",
                        help="with --strict, an empty day is not suspicious (weekends, holidays, "
                             "today before anything is listed) unless every day came back empty")
    parser.add_argument("--api-url", type=_url_arg, default=None, metavar="URL",
                        help=f"API endpoint (default: ${fetch.API_URL_ENV} or "
                             f"{fetch.DEFAULT_API_URL})")
    parser.add_argument("--retries", type=_count_arg, default=fetch.RetryPolicy.retries,
                        metavar="N",
                        help="retries on 429, 5xx and timeouts (default: %(default)s)")
    parser.add_argument("--timeout", type=_seconds, default=fetch.RetryPolicy.timeout,
                        metavar="SECONDS",
                        help="wall-clock limit per request, from connecting to the last byte "
                             "(default: %(default)s)")
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
    env_url = os.environ.get(fetch.API_URL_ENV)
    try:
        base_url = args.api_url or (env_url and fetch.check_api_url(env_url)) \
            or fetch.DEFAULT_API_URL
    except ValueError as exc:
        log.error("error: $%s: %s", fetch.API_URL_ENV, exc)
        return EXIT_USAGE
    policy = fetch.RetryPolicy(retries=args.retries, timeout=args.timeout)
    report = RunReport("archive.py fetch")
    incoming: list[Listing] = []
    wrong_days: list[str] = []  # days that look wrong as a whole
    fetched_days = papers_fetched = 0
    client = fetch.Client(policy)
    try:
        for number, day in enumerate(days, 1):
            where = listing_io.listing_path(args.listings, day)
            try:
                result = fetch.fetch_day(day, base_url=base_url, limit=args.page_size,
                                         client=client)
            except fetch.FetchError as exc:
                report.warn(f"{day}: not fetched: {exc}", where)
                wrong_days.append(f"{day} (not fetched)")
                if isinstance(exc, fetch.OfflineError):
                    log.error("error: %s; the remaining days are not tried", exc)
                    break
                continue
            fetched_days += 1
            problems = Problems()
            try:
                listings = listings_from_entries(list(result.entries), requested=day,
                                                 problems=problems)
            except ListingError as exc:  # most entries invalid, or not a list of entries
                source = fetch.page_url(base_url, day, 0, args.page_size)
                report.warn(f"{day}: refused: {exc.located(source)}", where)
                wrong_days.append(f"{day} (refused)")
                continue
            report.note_problems(problems, where, f"{day}")
            papers = sum(len(listing.papers) for listing in listings)
            log.info("[%d/%d] %s: %d papers (%d page%s)%s", number, len(days), day, papers,
                     result.pages, "" if result.pages == 1 else "s",
                     f", {len(problems.skipped)} skipped" if problems.skipped else "")
            if not result.entries:
                if args.allow_empty:
                    # Merging never drops a paper, so an empty answer cannot shrink the archive.
                    log.info("%s: no papers listed (allowed by --allow-empty)", day)
                else:
                    report.warn(result.warnings[0], where)
                    wrong_days.append(f"{day} (empty)")
            else:
                for warning in result.warnings:  # possibly truncated: its papers are kept
                    report.warn(warning, where)
                if result.warnings:
                    wrong_days.append(f"{day} (may be truncated)")
            incoming.extend(listings)
            papers_fetched += len(result.entries)
    finally:
        client.close()
    if not fetched_days:
        log.error("error: no day could be fetched; nothing written")
        report.publish(EXIT_INVALID)
        return EXIT_INVALID
    if args.allow_empty and not papers_fetched:
        report.warn(f"all {len(days)} day(s) came back empty: the API may be failing")
        wrong_days.append("every day (empty)")
    status = merge_and_write(args.listings, incoming, args.listing_cache)
    if status == EXIT_OK and wrong_days:
        log.warning("%d day(s) look wrong: %s%s", len(wrong_days), ", ".join(wrong_days),
                    f"; exiting {EXIT_SUSPICIOUS} because of --strict" if args.strict else "")
        if args.strict:
            status = EXIT_SUSPICIOUS
    report.publish(status)
    return status


# --- validate -----------------------------------------------------------------------------

def add_validate_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check listing files (all under --listings, or the given files)",
        description="Load and validate listing files, report every invalid one, every day "
                    "that cannot be a listing day (a placeholder date such as 1970-01-01 or "
                    "9999-12-31, an arXiv paper before May 2023 or before its id's month) and "
                    "every paper listed on two days; check the taxonomy as rendering compiles "
                    "it. Writes nothing.",
    )
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="listing files to check (default: every listing under --listings)")
    _add_listings_option(parser)
    parser.add_argument("--taxonomy", type=Path, default=Path("taxonomy.yaml"), metavar="FILE",
                        help="the taxonomy to check too, if it exists (default: %(default)s)")
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
        problem = day_problem(listing.date)
        if problem is not None:
            problems.append(ListingError(problem, source=str(path), field="date"))
        for position, paper in enumerate(listing.papers, 1):
            problem = paper_day_problem(paper.id, listing.date)
            if problem is not None:
                problems.append(ListingError(problem, source=str(path),
                                             paper=f"{paper.id} (#{position})", field="date"))
        listings.append(listing)
    for paper_id, first, later in find_cross_day_duplicates(listings):
        problems.append(f"paper {paper_id}: listed on {first} and again on {later} "
                        f"(a paper belongs to its first day only)")
    if args.taxonomy.exists():
        try:
            load_taxonomy(args.taxonomy)
        except TaxonomyError as exc:
            problems.append(str(exc))
    _report(problems)
    papers = sum(len(listing.papers) for listing in listings)
    log.info("%d listing files, %d papers, %d problems", len(files), papers, len(problems))
    report = RunReport("archive.py validate")
    report.warnings = [(getattr(p, "source", None), str(p)) for p in problems]
    status = EXIT_INVALID if problems else EXIT_OK
    report.publish(status)
    return status


# --- entry point --------------------------------------------------------------------------

# One function per subcommand; each adds its parser and sets `handler`.
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_import_command,
    add_fetch_command,
    add_validate_command,
    add_render_command,
    add_topics_command,
]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (`archive.py fetch: error: ...`)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="archive.py",
        description="Maintain the paper archive: import, fetch and validate daily listings.",
        epilog="Exit codes: 0 everything good written (warnings name what was left out), "
               "1 nothing could be done, 2 usage error, 3 a day or file looks wrong as a whole "
               "(left out; the rest written).",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only print errors")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                       parser_class=_Parser)
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
