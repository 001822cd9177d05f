"""Production settings: `pelicanconf.py` plus what changes for the hosted site.

`make publish` builds with this file; set `SITEURL` in the environment (e.g. in CI) to the
site's absolute URL without a trailing slash.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")  # absolute links, canonical URLs and feeds
RELATIVE_URLS = False  # the hosted site uses absolute URLs
