"""The archive_writer plugin: Pelican's writer with every file written via temp file + rename."""

from __future__ import annotations

import stat

import jinja2
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
    # With archive_pages' entry_key, the key stands for paper, day and topics; the URL counts.
    keyed = SimpleNamespace(**vars(entry), entry_key="k1")
    assert Fingerprinter().value([keyed]) == Fingerprinter().value(
        [SimpleNamespace(**{**vars(upvoted), "entry_key": "k1"})])
    assert Fingerprinter().value([keyed]) != Fingerprinter().value(
        [SimpleNamespace(**{**vars(entry), "entry_key": "k2"})])
    assert Fingerprinter().value([keyed]) != Fingerprinter().value(
        [SimpleNamespace(**{**vars(keyed), "url": "papers/b/"})])


def test_an_unreadable_manifest_is_a_warning_and_a_fresh_start(tmp_path, caplog):
    from archive_writer.archive_writer import MANIFEST, load_manifest

    settings = {"CACHE_PATH": str(tmp_path), "LOAD_CONTENT_CACHE": True}
    assert load_manifest(settings, "/out") is None  # none yet: quietly fresh
    (tmp_path / MANIFEST).parent.mkdir(parents=True)
    (tmp_path / MANIFEST).write_text('{"format": 1, "output": "/out", "pages": {"a": [1]}}')
    assert load_manifest(settings, "/out") is None
    assert "unreadable" in caplog.text and str(tmp_path / MANIFEST) in caplog.text


# --- paper pages written by several processes -------------------------------------------------

class Paper:
    def __init__(self, title: str) -> None:
        self.title = title

    @property
    def heading(self) -> str:
        if self.title == "boom":
            raise ZeroDivisionError("a template error in paper 'boom'")
        return self.title.upper()


def parallel_writer(tmp_path, processes: int, batch: int = 1) -> AtomicWriter:
    settings = {**DEFAULT_CONFIG, "ARCHIVE_WRITER": {"processes": processes, "batch": batch}}
    return AtomicWriter(str(tmp_path), settings=settings)


def write_papers(writer: AtomicWriter, titles: list[str]) -> None:
    template = jinja2.Environment(autoescape=True).from_string("<h1>{{ article.heading }}</h1>")
    for number, title in enumerate(titles):
        writer.write_file(f"papers/{number}/index.html", template, {}, article=Paper(title))


def test_paper_pages_written_by_several_processes_are_all_there_and_known(tmp_path):
    titles = [f"paper {n}" for n in range(7)]
    writer = parallel_writer(tmp_path, processes=3)
    write_papers(writer, titles)
    assert not (tmp_path / "papers").exists()  # collected, not written yet
    writer.flush()
    for number, title in enumerate(titles):
        page = tmp_path / "papers" / str(number) / "index.html"
        assert page.read_text(encoding="utf-8") == f"<h1>{title.upper()}</h1>"
    # Pelican's record of written files covers the children's pages too: a second write of
    # one of them is refused as it would be in a single process.
    with pytest.raises(FileOverwriteFailedError):
        writer._open_w(str(tmp_path / "papers" / "5" / "index.html"), "utf-8")


def test_another_page_is_written_after_the_collected_paper_pages(tmp_path):
    writer = parallel_writer(tmp_path, processes=2)
    write_papers(writer, ["a", "b", "c"])
    template = jinja2.Environment().from_string("index")
    writer.write_file("index.html", template, {})
    assert sorted(p.name for p in (tmp_path / "papers").iterdir()) == ["0", "1", "2"]
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "index"


def test_a_template_error_in_a_child_process_fails_the_build_with_its_traceback(tmp_path):
    writer = parallel_writer(tmp_path, processes=2)
    write_papers(writer, ["fine", "boom", "fine too", "also fine"])  # "boom" goes to the child
    with pytest.raises(RuntimeError, match=r"(?s)writing paper pages failed.*ZeroDivisionError"
                                           r".*a template error in paper 'boom'"):
        writer.flush()
    assert (tmp_path / "papers" / "0" / "index.html").exists()  # the parent's share


def test_too_few_pages_per_process_stay_in_this_process(tmp_path, monkeypatch):
    def no_fork():
        raise AssertionError("forked for 3 pages with a batch of 500")

    monkeypatch.setattr("os.fork", no_fork)
    writer = parallel_writer(tmp_path, processes=2, batch=500)
    write_papers(writer, ["a", "b", "c"])
    writer.flush()
    assert len(list((tmp_path / "papers").iterdir())) == 3


@pytest.mark.parametrize("value", [{"processes": -1}, {"batch": "10"}, {"threads": 2}, [1]])
def test_bad_archive_writer_settings_name_the_key(tmp_path, value):
    with pytest.raises(ValueError, match="ARCHIVE_WRITER"):
        AtomicWriter(str(tmp_path), settings={**DEFAULT_CONFIG, "ARCHIVE_WRITER": value})


def test_paper_pages_collected_after_the_articles_are_written_when_the_build_ends(tmp_path):
    from types import SimpleNamespace

    from archive_writer.archive_writer import finish

    writer = parallel_writer(tmp_path, processes=2)
    write_papers(writer, ["late", "later"])  # e.g. a plugin's generator, after the articles
    finish(SimpleNamespace(output_path=str(tmp_path), settings=writer.settings))
    assert sorted(p.name for p in (tmp_path / "papers").iterdir()) == ["0", "1"]
