"""Shared fixtures. The fixture site is built once per session and shared by every test.

- `built_site`: Path of the `output/` folder of a site built from `tests/data/site_archive/`
  (render + Pelican with the repository's settings and plugins, page size 2).
- `site_page`: a function `url -> lxml.html.HtmlElement` reading a page of `built_site`.
- `site_url`: `built_site` served over http on a free port of 127.0.0.1.
- `browser`: (playwright, context) for Debian's Chromium with a fresh profile, one per session
  (Playwright's sync API allows one instance at a time, so every browser test shares it).
- `--update-golden`: rewrite golden files instead of comparing (`make golden`).

Hypothesis runs derandomized (the same examples on every run, no example database), so a
failure reproduces and the suite's time is bounded: profile `dev` (the default) and `ci`
(more examples; used when `CI` is set, as on GitHub Actions, or with `HYPOTHESIS_PROFILE=ci`).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, settings
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_SETTINGS, build_site, parse_page

_HYPOTHESIS = {"derandomize": True, "database": None, "deadline": None,
               "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}
settings.register_profile("dev", max_examples=40, **_HYPOTHESIS)
settings.register_profile("ci", max_examples=150, **_HYPOTHESIS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") else "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("site")
    return build_site(FIXTURE_ARCHIVE, workdir, settings=FIXTURE_SETTINGS)


@pytest.fixture(scope="session")
def site_page(built_site: Path) -> Callable[[str], lxml.html.HtmlElement]:
    return lambda url: parse_page(built_site, url)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs it (apt-get install -y "
                        "chromium) before make test")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium); "
                    "CI always runs these tests")
    return CHROMIUM


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """`folder` served over http on a free port of 127.0.0.1; yields the site's URL."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """The built fixture site, served over http on a free port of 127.0.0.1."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium: Path, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(chromium),
            args=CHROMIUM_FLAGS,
            headless=True,
        )
        yield playwright, context
        context.close()


@pytest.fixture
def page(browser):
    """A fresh tab of the session's browser; the test fails on any JavaScript error in it."""
    _, context = browser
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
