"""Golden listings: the YAML written for three real API days, byte for byte.

Refresh after an intended format change with `make golden` (or
`python -m pytest tests/test_golden.py --update-golden`), then review the diff like any other
change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paperarchive.cli import main

DATA = Path(__file__).parent / "data" / "hf"
GOLDEN = Path(__file__).parent / "golden" / "listings"
# One day per schema era: no submittedOnDailyAt and mediaUrl (2024), submitterOrganization and
# a hidden author (2025-09), organisation and GitHub stars (2026).
DAYS = ["2024-05-27", "2025-09-30", "2026-08-20"]


@pytest.mark.parametrize("day", DAYS)
def test_imported_listing_matches_golden(day, tmp_path, update_golden):
    listings = tmp_path / "listings"
    assert main(["-q", "import", "--listings", str(listings), str(DATA / f"{day}.json")]) == 0
    written = (listings / day[:4] / f"{day}.yaml").read_text(encoding="utf-8")
    golden = GOLDEN / f"{day}.yaml"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(written, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run `make golden` to create it"
    assert written == golden.read_text(encoding="utf-8")
