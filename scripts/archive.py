#!/usr/bin/env python3
"""Command-line entry point: `python scripts/archive.py --help`."""

import sys

from paperarchive.cli import main

if __name__ == "__main__":
    sys.exit(main())
