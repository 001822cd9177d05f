#!/usr/bin/env python3
"""Command-line entry point: `python scripts/archive.py --help`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from paperarchive.cli import main

if __name__ == "__main__":
    sys.exit(main())
