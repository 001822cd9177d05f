"""Shared fixtures. The fixture site is built once per session and shared by every test.

- `built_site`: Path of the `output/` folder of a site built from `tests/data/site_archive/`
  (render + Pelican with the repository's settings and plugins, page size 2).
- `site_page`: a function `url -> lxml.html.HtmlElement` reading a page of `built_site`.
- `--update-golden`: rewrite golden files instead of comparing (`make golden`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_PAGE_SIZE, build_site, parse_page


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("site")
    return build_site(FIXTURE_ARCHIVE, workdir,
                      settings={"ARCHIVE_PAGES": {"page_size": FIXTURE_PAGE_SIZE}})


@pytest.fixture(scope="session")
def site_page(built_site: Path) -> Callable[[str], lxml.html.HtmlElement]:
    return lambda url: parse_page(built_site, url)
