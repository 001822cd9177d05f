"""Pelican's private API, as the plugins use it, is still what `pelican_compat` was written for."""

from __future__ import annotations

import pelican_compat
import pytest
from pelican.writers import Writer


def test_the_installed_pelican_has_everything_the_plugins_use(tmp_path):
    problems = pelican_compat.pelican_problems(str(tmp_path))
    assert not problems, "Pelican moved what plugins/pelican_compat uses:\n" + "\n".join(problems)


@pytest.mark.parametrize("missing", ["_open_w", "_written_files"])
def test_a_missing_private_name_is_named(tmp_path, monkeypatch, missing):
    if missing == "_open_w":
        monkeypatch.delattr(Writer, "_open_w")
    else:
        real_init = Writer.__init__

        def init_without(self, *args, **kwargs):
            real_init(self, *args, **kwargs)
            del self._written_files

        monkeypatch.setattr(Writer, "__init__", init_without)
    problems = pelican_compat.pelican_problems(str(tmp_path))
    assert f"pelican.writers.Writer.{missing} is gone" in "\n".join(problems)


def test_another_pelican_version_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(pelican_compat, "PINNED_PELICAN", "0.0.1")
    problems = pelican_compat.pelican_problems(str(tmp_path))
    assert problems and "checked against 0.0.1" in problems[0]


def test_a_changed_signature_is_named(tmp_path, monkeypatch):
    monkeypatch.setitem(pelican_compat.SIGNATURES, "pelican.writers.Writer._open_w",
                        "(self, filename)")
    problems = pelican_compat.pelican_problems(str(tmp_path))
    assert any("Writer._open_w changed signature" in line for line in problems)


def test_the_pin_is_the_version_the_requirements_install():
    pins = (pelican_compat.__file__.rsplit("plugins", 1)[0] + "requirements/site.in")
    with open(pins, encoding="utf-8") as handle:
        assert f"pelican=={pelican_compat.PINNED_PELICAN}\n" in handle.read()


def test_the_writer_hook_opens_what_pelican_opens(tmp_path):
    writer = pelican_compat.HookedWriter(str(tmp_path), settings={})
    path = str(tmp_path / "page.html")
    with writer._open_w(path, "utf-8") as handle:
        handle.write("x")
    assert (tmp_path / "page.html").read_text() == "x"
    assert path in pelican_compat.written_files(writer)
