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
