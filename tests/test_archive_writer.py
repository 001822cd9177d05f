"""The archive_writer plugin: Pelican's writer with every file written via temp file + rename."""

from __future__ import annotations

import stat

import pytest
from archive_writer.archive_writer import AtomicWriter
from pelican.settings import DEFAULT_CONFIG
from pelican.writers import FileOverwriteFailedError


@pytest.fixture
def writer(tmp_path):
    return AtomicWriter(str(tmp_path), settings=dict(DEFAULT_CONFIG))


def test_a_page_is_written_whole_with_the_usual_mode(writer, tmp_path):
    path = tmp_path / "page.html"
    with writer._open_w(str(path), "utf-8") as handle:
        handle.write("<p>é</p>")
        assert not path.exists()  # nothing at the target until the write is complete
    assert path.read_text(encoding="utf-8") == "<p>é</p>"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_a_failed_write_leaves_the_old_page_and_no_temp_file(writer, tmp_path):
    path = tmp_path / "page.html"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), writer._open_w(str(path), "utf-8") as handle:
        handle.write("half a pa")
        raise RuntimeError("killed")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_pelicans_overwrite_rules_still_apply(writer, tmp_path):
    path = str(tmp_path / "page.html")
    with writer._open_w(path, "utf-8") as handle:
        handle.write("first")
    with pytest.raises(FileOverwriteFailedError):
        writer._open_w(path, "utf-8")


# --- digests and the manifest (the build-level behaviour is in tests/test_incremental.py) ---

def test_settings_digest_is_stable_across_runs_and_ignores_locations():
    from archive_writer import fingerprint

    settings = {"SITEURL": "", "JINJA_FILTERS": {"f": fingerprint.digest},
                "OUTPUT_PATH": "/a/output", "THEME": "/nowhere"}
    moved = {**settings, "OUTPUT_PATH": "/b/output"}
    assert "0x" not in repr(fingerprint.stable(settings))  # no memory addresses
    assert fingerprint.site_parts(settings, []) == fingerprint.site_parts(moved, [])
    changed = {**settings, "SITEURL": "https://example.org"}
    assert fingerprint.site_parts(changed, [])["settings"] != \
        fingerprint.site_parts(settings, [])["settings"]


def test_template_globals_follow_includes_imports_and_extends(tmp_path):
    from archive_writer.fingerprint import template_globals
    from jinja2 import Environment, FileSystemLoader

    (tmp_path / "base.html").write_text("{{ SITENAME }}{% block body %}{% endblock %}")
    (tmp_path / "part.html").write_text("{{ archive.count }}")
    (tmp_path / "page.html").write_text(
        '{% extends "base.html" %}{% block body %}{% include "part.html" %}{{ x }}'
        '{% include "missing.html" ignore missing %}{% endblock %}')
    (tmp_path / "dynamic.html").write_text("{% include name %}")
    environment = Environment(loader=FileSystemLoader(tmp_path))
    assert template_globals(environment, "page.html") == {"SITENAME", "archive", "x"}
    assert template_globals(environment, "dynamic.html") is None  # any context may count


def test_fingerprints_cover_papers_and_refuse_unknown_types():
    import datetime as dt
    from types import SimpleNamespace

    from archive_writer.fingerprint import Fingerprinter, Unfingerprintable

    from paperarchive.model import Paper, Topic

    paper = Paper(id="2601.00001", title="A", authors=("X",), abstract="text", upvotes=3)
    entry = SimpleNamespace(paper=paper, listing_day=dt.date(2026, 1, 2), url="papers/a/",
                            topics=(Topic("nlp", "NLP"),), more_from_day=(), more_on_topic=None)
    values = Fingerprinter()
    same = SimpleNamespace(**vars(entry))
    assert values.value([entry]) == Fingerprinter().value([same])
    upvoted = SimpleNamespace(**{**vars(entry), "paper": Paper(
        id="2601.00001", title="A", authors=("X",), abstract="text", upvotes=4)})
    assert Fingerprinter().value([upvoted]) != values.value([entry])
    neighbour = SimpleNamespace(**{**vars(entry), "more_from_day": (upvoted,)})
    assert values.page_article(neighbour) != Fingerprinter().page_article(entry)
    with pytest.raises(Unfingerprintable):
        values.value(object())


def test_an_unreadable_manifest_is_a_warning_and_a_fresh_start(tmp_path, caplog):
    from archive_writer.archive_writer import MANIFEST, load_manifest

    settings = {"CACHE_PATH": str(tmp_path), "LOAD_CONTENT_CACHE": True}
    assert load_manifest(settings, "/out") is None  # none yet: quietly fresh
    (tmp_path / MANIFEST).parent.mkdir(parents=True)
    (tmp_path / MANIFEST).write_text('{"format": 1, "output": "/out", "pages": {"a": [1]}}')
    assert load_manifest(settings, "/out") is None
    assert "unreadable" in caplog.text and str(tmp_path / MANIFEST) in caplog.text
