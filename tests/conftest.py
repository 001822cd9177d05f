"""Shared fixtures. The fixture site is built once per session and shared by every test.

- `built_site`: Path of the `output/` folder of a site built from `tests/data/site_archive/`
  (render + Pelican with the repository's settings and plugins, page size 2).
- `site_page`: a function `url -> lxml.html.HtmlElement` reading a page of `built_site`.
- `site_url`: `built_site` served over http on a free port of 127.0.0.1.
- `browser`: (playwright, context) for Debian's Chromium with a fresh profile, one per session
  (Playwright's sync API allows one instance at a time, so every browser test shares it).
- `--update-golden`: rewrite golden files instead of comparing (`make golden`).

Hypothesis runs derandomized (the same examples on every run, no example database), so a
failure reproduces and the suite's time is bounded: profile `dev` (the default), `ci` (more
examples; used when `CI` is set, as on GitHub Actions, or with `HYPOTHESIS_PROFILE=ci`) and
`fast` (fewer; `make test-fast`).
"""

from __future__ import annotations

import functools
import inspect
import os
import re
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, settings
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_SETTINGS, build_site, parse_page

from paperarchive.preview import CHROMIUM, CHROMIUM_FLAGS, serve

_HYPOTHESIS = {"derandomize": True, "database": None, "deadline": None,
               "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}
settings.register_profile("fast", max_examples=10, **_HYPOTHESIS)  # make test-fast
settings.register_profile("dev", max_examples=40, **_HYPOTHESIS)
settings.register_profile("ci", max_examples=150, **_HYPOTHESIS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") else "dev"))


# The tiers: a test that builds a site (itself, or through a fixture at any depth) is marked
# `slow`, and one that drives Chromium `browser`, here rather than by hand, so a new test lands
# in the right tier; `make test-fast` runs the rest (`-m "not slow and not browser"`).
SITE_FIXTURES = frozenset({"built_site"})
BROWSER_FIXTURES = frozenset({"chromium"})
# How a test or fixture builds a site itself: the shared helper, Pelican in-process or as a
# module, or `make html` / `make publish`.
_BUILDS_A_SITE = re.compile(r"\bbuild_site\(|\bpelican_main\(|\bfrom pelican import main\b|"
                            r"\"-m\", \"pelican\"|\bmake[ _](?:html|publish)\b")


@functools.cache
def _source_builds_a_site(function: Callable[..., object]) -> bool:
    try:
        return bool(_BUILDS_A_SITE.search(inspect.getsource(function)))
    except (OSError, TypeError):
        return False


def builds_a_site(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    if names & SITE_FIXTURES:
        return True
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info is not None else ()
    functions = [getattr(item, "function", None),
                 *(definition.func for defs in definitions for definition in defs)]
    return any(_source_builds_a_site(function) for function in functions if function)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if set(getattr(item, "fixturenames", ())) & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if builds_a_site(item):
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output")


@pytest.fixture
def wide_log(monkeypatch):
    """Pelican's console log wraps at the terminal width; one line per message is wanted."""
    monkeypatch.setenv("COLUMNS", "400")


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


@pytest.fixture(scope="session")
def chromium() -> Path:
    chromium = Path(CHROMIUM)
    if not chromium.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs it (apt-get install -y "
                        "chromium) before make test")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium); "
                    "CI always runs these tests")
    return chromium


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
