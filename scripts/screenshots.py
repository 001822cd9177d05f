#!/usr/bin/env python3
"""Screenshots of the built site for design review: `make screenshots`.

Serves `output/` on 127.0.0.1, opens the home, a day, a paper and the search page in Debian's
Chromium (never a downloaded browser), in the light and dark themes at desktop (1280 px) and
phone (375 px) widths, and writes full-page PNGs to `screenshots/` (git-ignored).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from paperarchive.preview import CHROMIUM, CHROMIUM_FLAGS, serve

WIDTHS = {"desktop": 1280, "phone": 375}
THEMES = ("light", "dark")


def pick_pages(output: Path) -> dict[str, str]:
    """Home, the newest day with papers, its first paper, and search, as site paths."""
    pages = {"home": "/"}
    days = sorted(output.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/index.html"))
    if days:
        day = days[-1].parent.relative_to(output).as_posix()
        pages["day"] = f"/{day}/"
        match = re.search(r'href="[^"]*?(/?papers/[^"/]+/)"', days[-1].read_text("utf-8"))
        if match:
            pages["paper"] = "/" + match.group(1).lstrip("/")
    if (output / "search" / "index.html").exists():
        pages["search"] = "/search/"
    return pages


def take_screenshots(output: Path, target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    pages = pick_pages(output)
    with serve(output) as base, sync_playwright() as playwright, \
            tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True,
        )
        try:
            page = context.new_page()
            for theme in THEMES:
                page.emulate_media(color_scheme=theme)
                for size, width in WIDTHS.items():
                    page.set_viewport_size({"width": width, "height": 900})
                    for name, path in pages.items():
                        page.goto(base + path, wait_until="load")
                        file = target / f"{name}-{theme}-{size}.png"
                        page.screenshot(path=str(file), full_page=True)
                        written.append(file)
        finally:
            context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("output"), help="built site")
    parser.add_argument("--target", type=Path, default=Path("screenshots"), help="PNG folder")
    args = parser.parse_args(argv)
    if not (args.output / "index.html").exists():
        print(f"{args.output}/index.html not found: run `make html` first", file=sys.stderr)
        return 2
    for file in take_screenshots(args.output, args.target):
        print(file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
