"""Two clean builds of the same listings give byte-identical output/, Pagefind's bundle included.

The builds run in different work directories (so an absolute path in the output would differ)
with different `PYTHONHASHSEED`s (so set or dict-of-set iteration order would differ), and a
third build reuses the first one's warm cache (so cached and fresh reads must agree).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_SETTINGS, build_site

from paperarchive.listing_io import write_atomic

HOSTILE_ARCHIVE = Path(__file__).parent / "data" / "hostile_archive"
SETTINGS = FIXTURE_SETTINGS  # organisation feeds included

pytestmark = pytest.mark.slow


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def differences(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    return sorted(name for name in first.keys() | second.keys()
                  if first.get(name) != second.get(name))


def build_with_seed(listings: Path, workdir: Path, seed: str, monkeypatch) -> Path:
    monkeypatch.setenv("PYTHONHASHSEED", seed)
    return build_site(listings, workdir, settings=SETTINGS)


@pytest.mark.parametrize("archive", [HOSTILE_ARCHIVE, FIXTURE_ARCHIVE],
                         ids=["hostile", "fixture"])
def test_two_clean_builds_are_byte_identical(archive, tmp_path, monkeypatch, capsys):
    first = snapshot(build_with_seed(archive, tmp_path / "a", "1", monkeypatch))
    second = snapshot(build_with_seed(archive, tmp_path / "b", "2", monkeypatch))
    assert differences(first, second) == []
    assert any(name.startswith("pagefind/") and "/fragment/" in name for name in first)
    for name, data in first.items():
        assert str(tmp_path).encode() not in data, f"{name} holds the build's absolute path"
    warm = snapshot(build_with_seed(archive, tmp_path / "a", "3", monkeypatch))
    assert differences(first, warm) == []
    with capsys.disabled():
        print(f"\n{archive.name}: {len(first)} files, "
              f"{sum(map(len, first.values())):,} bytes identical across three builds")


def test_a_changed_listing_changes_the_output(tmp_path, monkeypatch):
    """The comparison above can fail: one edited title shows up as differing files."""
    listings = tmp_path / "listings"
    for path in HOSTILE_ARCHIVE.rglob("*.yaml"):
        write_atomic(listings / path.relative_to(HOSTILE_ARCHIVE),
                     path.read_text(encoding="ascii"))
    first = snapshot(build_with_seed(listings, tmp_path / "a", "1", monkeypatch))
    path = listings / "2026" / "2026-05-01.yaml"
    write_atomic(path, path.read_text(encoding="ascii").replace('"Large language models',
                                                               '"Large linguistic models'))
    second = snapshot(build_with_seed(listings, tmp_path / "b", "1", monkeypatch))
    assert "papers/2605.00002/index.html" in differences(first, second)
