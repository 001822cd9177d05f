"""Atomic writes: the target is the old file or the new one, never half of one, never a temp."""

from __future__ import annotations

import os
import stat

import pytest

from paperarchive import atomic


def files(folder):
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("per_process", [False, True])
def test_a_completed_write_replaces_the_file(tmp_path, per_process):
    target = tmp_path / "a.json"
    target.write_text("old")
    atomic.write_bytes(target, b"new", per_process=per_process)
    assert target.read_bytes() == b"new"
    assert files(tmp_path) == ["a.json"]
    assert stat.S_IMODE(target.stat().st_mode) == atomic.FILE_MODE


@pytest.mark.parametrize("per_process", [False, True])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, per_process):
    target = tmp_path / "a.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic.replacing(target, per_process=per_process) as temp:
        with open(temp, "w") as handle:
            handle.write("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert files(tmp_path) == ["a.json"]


def test_temp_files_are_hidden_beside_the_target_or_in_the_given_folder(tmp_path):
    (tmp_path / "work").mkdir()
    with atomic.replacing(tmp_path / "page.html", temp_dir=tmp_path / "work") as temp:
        assert os.path.dirname(temp) == str(tmp_path / "work")
        assert os.path.basename(temp).startswith(".page.html.") and temp.endswith(".tmp")
        open(temp, "w").close()
    with atomic.replacing(tmp_path / "page.html", per_process=True) as temp:
        assert os.path.basename(temp) == f".page.html.{os.getpid()}.tmp"
        open(temp, "w").close()
    assert files(tmp_path) == ["page.html", "work"]
    assert files(tmp_path / "work") == []


def test_a_leftover_of_a_killed_run_is_overwritten(tmp_path):
    leftover = tmp_path / f".a.md.{os.getpid()}.tmp"
    leftover.write_text("a much longer leftover of a killed run")
    atomic.write_bytes(tmp_path / "a.md", b"short", per_process=True)
    assert (tmp_path / "a.md").read_bytes() == b"short"
    assert not leftover.exists()


def test_durable_writes_sync_before_the_rename(tmp_path, monkeypatch):
    synced = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    atomic.write_text(tmp_path / "listing.yaml", "date: 2026-05-29\n", durable=True)
    atomic.write_text(tmp_path / "cache.json", "{}")
    assert len(synced) == 1
