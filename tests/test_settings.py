"""The Pelican settings: what the archive turns off (Pelican's quadratic list scans, its own
feeds and pages) and what it relies on (autoescape, a cache that survives fresh clones)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from pelican.settings import read_settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def settings() -> dict:
    return read_settings(str(REPO / "pelicanconf.py"))


def test_pelicans_own_feeds_are_all_off(settings):
    # Feed *files* are the settings ending in _ATOM or _RSS (FEED_ALL_ATOM, TAG_FEED_RSS, ...).
    feed_files = {key: value for key, value in settings.items()
                  if "FEED" in key and key.endswith(("_ATOM", "_RSS"))}
    assert len(feed_files) >= 12, sorted(feed_files)
    assert {key: value for key, value in feed_files.items() if value is not None} == {}


@pytest.mark.parametrize("key", [
    # Each of these makes Pelican scan the whole article list once per group (quadratic), or
    # write pages the archive_pages plugin writes itself.
    "CATEGORY_SAVE_AS", "CATEGORIES_SAVE_AS", "TAG_SAVE_AS", "TAGS_SAVE_AS", "AUTHOR_SAVE_AS",
    "AUTHORS_SAVE_AS", "ARCHIVES_SAVE_AS", "YEAR_ARCHIVE_SAVE_AS", "MONTH_ARCHIVE_SAVE_AS",
    "DAY_ARCHIVE_SAVE_AS",
])
def test_pelicans_replaced_pages_are_off(settings, key):
    assert settings[key] == ""


def test_no_translation_grouping_and_no_pelican_pagination(settings):
    assert settings["ARTICLE_TRANSLATION_ID"] is None
    assert settings["PAGE_TRANSLATION_ID"] is None
    assert settings["USE_FOLDER_AS_CATEGORY"] is False
    assert settings["PAGINATED_TEMPLATES"] == {}
    assert not settings["DIRECT_TEMPLATES"] or "index" not in settings["DIRECT_TEMPLATES"]


def test_autoescape_and_cache(settings):
    assert settings["JINJA_ENVIRONMENT"]["autoescape"] is True
    # render rewrites only changed articles, so their mtimes are a faithful stamp
    assert settings["CHECK_MODIFIED_METHOD"] == "mtime"
    assert settings["CACHE_CONTENT"] is True and settings["LOAD_CONTENT_CACHE"] is True
    assert settings["PLUGINS"][0] == "archive_pages"


def test_settings_are_picklable(settings):
    """The content cache pickles the settings; a lambda in them breaks every later build."""
    pickle.dumps({key: value for key, value in settings.items() if key.isupper()})


def test_the_built_site_has_no_category_tag_or_author_groups(built_site):
    """What the settings promise, checked on a real build: no page Pelican would group."""
    names = {path.relative_to(built_site).parts[0] for path in built_site.iterdir()}
    assert not names & {"category", "tag", "author", "authors.html", "categories.html",
                        "tags.html", "archives.html"}
