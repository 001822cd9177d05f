#!/usr/bin/env python3
"""Lighthouse scores for the built site: `make lighthouse` (not part of `make test`).

Serves `output/` on 127.0.0.1 and runs the Lighthouse CLI (npm package, pinned in
package.json) with Debian's Chromium on the home, a day and a paper page, mobile emulation and
simulated throttling (Lighthouse's defaults). Prints the four category scores per page, writes
the JSON reports to `lighthouse/` (git-ignored), and exits 1 if any score is below the
threshold (0.95 unless `--min` says otherwise). Works offline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from screenshots import pick_pages

from paperarchive.preview import CHROMIUM, CHROMIUM_FLAGS, serve

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def run_lighthouse(url: str, report: Path) -> dict[str, float]:
    """The category scores of one page; the full JSON report is written to `report`."""
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
    ]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    data = json.loads(report.read_text(encoding="utf-8"))
    return {name: data["categories"][name]["score"] for name in CATEGORIES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("output"), help="built site")
    parser.add_argument("--reports", type=Path, default=Path("lighthouse"), help="JSON reports")
    parser.add_argument("--min", type=float, default=0.95, help="lowest acceptable score")
    parser.add_argument("--port", type=int, default=0,
                        help="serve on this port (to match a SITEURL the site was built with)")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print("lighthouse is not installed: run `npm ci`", file=sys.stderr)
        return 2
    if not (args.output / "index.html").exists():
        print(f"{args.output}/index.html not found: run `make html` first", file=sys.stderr)
        return 2
    args.reports.mkdir(parents=True, exist_ok=True)
    pages = {name: path for name, path in pick_pages(args.output).items() if name != "search"}
    failed = False
    print(f"{'page':8} " + " ".join(f"{c:>14}" for c in CATEGORIES))
    with serve(args.output, args.port) as base:
        for name, path in pages.items():
            scores = run_lighthouse(base + path, args.reports / f"{name}.json")
            failed |= any(score is None or score < args.min for score in scores.values())
            print(f"{name:8} " + " ".join(f"{scores[c]:>14.2f}" for c in CATEGORIES))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
