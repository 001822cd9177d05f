"""A daily rebuild (one more day, with the caches of the previous build) gives the same site,
byte for byte, as a clean build of the same listings.

Every file is compared, the search index too: Pagefind writes `pagefind-entry.json`, the
`*.pf_meta` metadata and the `filter/*.pf_filter` files in a random order on every run, but the
pagefind_index plugin rewrites them in a fixed order (plugins/pagefind_index/canonical.py), and
a search shard kept from the previous build's cache (cache/search/) must be the same bytes as
one indexed afresh.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from site_helpers import FIXTURE_ARCHIVE, build_site

pytestmark = pytest.mark.slow


def tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def indexed_pages(output: Path) -> int:
    entries = [json.loads(path.read_text())
               for path in (output / "pagefind").glob("*/pagefind-entry.json")]
    return sum(language["page_count"] for entry in entries
               for language in entry["languages"].values())


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
    assert (daily / "cache" / "search" / "shards.json").exists()
    assert len(list((daily / "cache").iterdir())) > 1, "Pelican left no content cache"
    rebuilt = build_site(after, daily, topic_cache=True)
    clean = build_site(after, tmp_path / "clean")

    rebuilt_tree, clean_tree = tree(rebuilt), tree(clean)
    assert sorted(rebuilt_tree) == sorted(clean_tree)
    different = [name for name in clean_tree if rebuilt_tree[name] != clean_tree[name]]
    assert different == []
    assert indexed_pages(rebuilt) == indexed_pages(clean) > 0
