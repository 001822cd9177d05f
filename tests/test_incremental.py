"""A daily rebuild (one more day, with the caches of the previous build) gives the same site,
byte for byte, as a clean build of the same listings.

Pagefind is not deterministic in three kinds of files, whose bytes (and so hashed names) vary
from run to run on the same pages: `pagefind-entry.json`, the `*.pf_meta` metadata and the
`filter/*.pf_filter` files. Those are left out of the byte comparison (the indexed page count
is compared instead); its fragments and word index are compared like every other file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from site_helpers import FIXTURE_ARCHIVE, build_site

pytestmark = pytest.mark.slow


def nondeterministic(relative: Path) -> bool:
    return relative.parts[0] == "pagefind" and (
        relative.name == "pagefind-entry.json" or relative.suffix == ".pf_meta"
        or "filter" in relative.parts)


def tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file() and not nondeterministic(path.relative_to(root))}


def indexed_pages(output: Path) -> int:
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text())
    return sum(language["page_count"] for language in entry["languages"].values())


def test_adding_a_day_and_rebuilding_with_caches_equals_a_clean_build(tmp_path):
    days = sorted(FIXTURE_ARCHIVE.rglob("*.yaml"))
    before, after = tmp_path / "before", tmp_path / "after"
    for path in days:
        for target in ((before, after) if path != days[-1] else (after,)):
            (target / path.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / path.parent.name / path.name)

    daily = tmp_path / "daily"
    build_site(before, daily, topic_cache=True)
    assert (daily / "cache" / "render" / "topics.json").exists()
    assert len(list((daily / "cache").iterdir())) > 1, "Pelican left no content cache"
    rebuilt = build_site(after, daily, topic_cache=True)
    clean = build_site(after, tmp_path / "clean")

    rebuilt_tree, clean_tree = tree(rebuilt), tree(clean)
    assert sorted(rebuilt_tree) == sorted(clean_tree)
    different = [name for name in clean_tree if rebuilt_tree[name] != clean_tree[name]]
    assert different == []
    assert indexed_pages(rebuilt) == indexed_pages(clean) > 0
