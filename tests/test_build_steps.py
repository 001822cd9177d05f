"""The end-of-build steps run in their one order, whatever order the plugins were loaded in."""

from __future__ import annotations

import build_steps
import pytest
from pelican import signals


@pytest.fixture
def fresh_steps(monkeypatch):
    monkeypatch.setattr(build_steps, "_STEPS", {})
    yield
    signals.finalized.disconnect(build_steps.run_final_steps)


@pytest.mark.parametrize("added", [build_steps.ORDER, tuple(reversed(build_steps.ORDER))])
def test_steps_run_in_order_whatever_order_they_were_added(fresh_steps, added):
    ran = []
    for name in added:
        build_steps.add_final_step(name, lambda pelican, name=name: ran.append((name, pelican)))
    signals.finalized.send("the build")
    assert ran == [(name, "the build") for name in build_steps.ORDER]


def test_a_missing_step_is_skipped(fresh_steps):
    ran = []
    build_steps.add_final_step("search", lambda pelican: ran.append("search"))
    signals.finalized.send("the build")
    assert ran == ["search"]


def test_an_unknown_step_is_refused(fresh_steps):
    with pytest.raises(ValueError, match="unknown step 'minify'"):
        build_steps.add_final_step("minify", lambda pelican: None)


def test_the_site_plugins_add_the_three_steps(fresh_steps):
    from archive_seo import archive_seo
    from archive_writer import archive_writer
    from pagefind_index import pagefind_index

    for plugin in (pagefind_index, archive_seo, archive_writer):  # reversed on purpose
        plugin.register()
    # Leave no receiver of archive_writer's behind for other tests building in this process.
    signals.get_writer.disconnect(archive_writer.get_writer)
    signals.initialized.disconnect(archive_writer.prepare)
    signals.article_writer_finalized.disconnect(archive_writer.flush_papers)
    assert [build_steps._STEPS[name] for name in build_steps.ORDER] == [
        archive_writer.finish, archive_seo.write_files, pagefind_index.index_site]
