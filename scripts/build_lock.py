#!/usr/bin/env python3
"""Run a build command holding this folder's build lock: `build_lock.py -- make _html`."""

import sys

from paperarchive.build_lock import main

if __name__ == "__main__":
    sys.exit(main())
