#!/usr/bin/env python3
"""Build the search index of a built site: `python scripts/search_index.py --site output`.

The same indexing the `pagefind_index` plugin does at the end of a Pelican build, as its own
step, so it can run (and be measured) apart from Pelican: one Pagefind bundle under
`<site>/pagefind/`, reused as it is when no paper page changed since the bundle in `--site`
or the one kept in `--cache`.
"""

import argparse
import logging
import sys
from pathlib import Path

from pagefind_index.pagefind_index import IndexOptions, PagefindIndexError, build_index

from pelicanconf import PAGEFIND_INDEX


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="the built site (output/)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="where the bundle is kept between builds (cache/search)")
    parser.add_argument("--glob", default="papers/**/*.html",
                        help="which pages to read, as pelicanconf.py's PAGEFIND_INDEX "
                             "(default %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        # Pagefind's arguments (the exclude selectors) as the plugin gets them in a Pelican build.
        options = IndexOptions(glob=args.glob, extra_args=tuple(PAGEFIND_INDEX["extra_args"]))
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
