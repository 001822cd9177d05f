#!/usr/bin/env python3
"""Write a synthetic archive of listings: `python scripts/synth.py --papers 10000 --out DIR`.

The listings land under DIR/YYYY/YYYY-MM-DD.yaml, like content/listings/, so the usual render
and build steps run on them unchanged. Same arguments, same files.
"""

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from paperarchive.synthetic import (
    DEFAULT_PAPERS_PER_DAY,
    DEFAULT_START,
    DEFAULT_TAXONOMY,
    SyntheticSpec,
    default_vocabulary,
    write_archive,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, required=True, help="how many papers in all")
    parser.add_argument("--out", type=Path, required=True, help="listings folder to write into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=DEFAULT_START,
                        help=f"first day, YYYY-MM-DD (default {DEFAULT_START})")
    parser.add_argument("--per-day", type=int, default=DEFAULT_PAPERS_PER_DAY,
                        help=f"average papers a day (default {DEFAULT_PAPERS_PER_DAY})")
    parser.add_argument("--taxonomy", type=Path, default=DEFAULT_TAXONOMY,
                        help="taxonomy whose aliases are the keyword vocabulary "
                             "(default: the repository's taxonomy.yaml)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.papers < 0 or args.per_day < 1:
        parser.error("--papers must be 0 or more and --per-day 1 or more")
    spec = SyntheticSpec(papers=args.papers, seed=args.seed, start=args.start,
                         per_day=args.per_day)
    try:
        vocabulary = default_vocabulary(args.taxonomy)
    except ValueError as exc:  # TaxonomyError: names the file, topic and field
        print(f"error: {exc}", file=sys.stderr)
        return 1
    days, papers = write_archive(args.out, spec, vocabulary)
    print(f"{papers} papers over {days} days in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
