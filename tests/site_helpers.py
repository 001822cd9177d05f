"""Build a site from a listings folder into a temporary directory, and read its pages.

Used by the session fixtures in `conftest.py`; other test modules import `parse_page` and
`page_path` from here. Everything is written under the given work directory, never the
repository.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import lxml.html

from paperarchive.listing_io import load_archive
from paperarchive.render import render_archive
from paperarchive.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
FIXTURE_ARCHIVE = DATA / "site_archive"
FIXTURE_TAXONOMY = DATA / "site_taxonomy.yaml"
# Small enough that the fixture's biggest topic spans several pages.
FIXTURE_PAGE_SIZE = 2
# The fixture's busiest organisation has 2 papers: with this, it gets a feed and the others
# (1 paper each) do not.
FIXTURE_ORG_MIN_PAPERS = 2
FIXTURE_SETTINGS = {"ARCHIVE_PAGES": {"page_size": FIXTURE_PAGE_SIZE},
                    "ARCHIVE_FEEDS": {"org_min_papers": FIXTURE_ORG_MIN_PAPERS}}


def build_site(
    listings: Path,
    workdir: Path,
    *,
    taxonomy: Path = FIXTURE_TAXONOMY,
    settings: dict[str, Any] | None = None,
    conf: str = "pelicanconf",
    topic_cache: bool = False,
) -> Path:
    """Render `listings` and run Pelican with the repository's settings; return output/.

    `settings` override the repository's settings (values must have a Python `repr`);
    `conf` is the settings module to start from (`pelicanconf` or `publishconf`);
    `topic_cache` keeps the render's topic cache in `workdir/cache/`, as `make render` does.
    Pelican's log is kept in `workdir/pelican.log`.
    """
    content = workdir / "content"
    output = workdir / "output"
    cache = workdir / "cache" / "render" / "topics.json" if topic_cache else None
    render_archive(load_archive(listings), content / "papers", load_taxonomy(taxonomy),
                   topic_cache=cache)
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(workdir / "cache"),
        **(settings or {}),
    }
    lines = [
        f"from {conf} import *  # noqa: F403",
        *(f"{name} = {value!r}" for name, value in overrides.items()),
    ]
    settings_file = workdir / "testconf.py"
    settings_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "--settings", str(settings_file), "--fatal", "warnings",
         "--verbose"],
        cwd=workdir, capture_output=True, text=True, check=False,
    )
    (workdir / "pelican.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        raise RuntimeError(f"pelican failed ({result.returncode}):\n{result.stdout}\n"
                           f"{result.stderr}")
    return output


def page_path(output: Path, url: str) -> Path:
    """The file behind a site-relative URL (`2026/05/29/` -> output/2026/05/29/index.html)."""
    url = url.lstrip("/")
    return output / url / "index.html" if url == "" or url.endswith("/") else output / url


def parse_page(output: Path, url: str) -> lxml.html.HtmlElement:
    """The parsed HTML of the page at `url`."""
    path = page_path(output, url)
    return lxml.html.fromstring(path.read_bytes(), base_url=f"http://site.test/{url}")
