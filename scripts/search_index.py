#!/usr/bin/env python3
"""Build the search index of a built site: `python scripts/search_index.py --site output`.

The same indexing the `pagefind_index` plugin does at the end of a Pelican build, as its own
step: one Pagefind bundle under `<site>/pagefind/`, reused as it is when no paper page changed
since the bundle in `--site` or the one kept in `--cache`, with the settings of
`PAGEFIND_INDEX` in pelicanconf.py (`"enabled": False` skips it). Run after a Pelican build
with search off (`pelican -e 'PAGEFIND_INDEX={"enabled": false}'`), it holds less memory than
the in-Pelican step, Pelican's being gone, but takes longer (docs/performance.md).
"""

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from pagefind_index.pagefind_index import PagefindIndexError, build_index, read_options

from pelicanconf import PAGEFIND_INDEX


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="the built site (output/)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="where the bundle is kept between builds (cache/search)")
    parser.add_argument("--glob", default=None,
                        help="which pages to read (default: PAGEFIND_INDEX's, papers/**/*.html)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        # The settings (glob, exclude selectors) as the plugin gets them in a Pelican build.
        options = read_options({"PAGEFIND_INDEX": PAGEFIND_INDEX})
        if args.glob is not None:
            options = replace(options, glob=args.glob)
        if not options.enabled:
            logging.info("search: indexing disabled by PAGEFIND_INDEX['enabled']")
            return 0
        stats = build_index(args.site, options, cache=args.cache)
    except PagefindIndexError as exc:
        logging.error("error: %s", exc)
        return 1
    logging.info("search: %d pages %s, %d files, %d bytes", stats.pages,
                 "indexed" if stats.indexed else "unchanged (bundle reused)", stats.files,
                 stats.bytes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
