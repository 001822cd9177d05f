#!/usr/bin/env python3
"""What search costs a reader: `python scripts/search_bytes.py output/ diffusion agents`.

Prints the size of the Pagefind bundle in a built site, then, for each query, the bytes a
browser downloads from /pagefind/ to load the search page and show the first results (a fresh
Chromium profile per query, so nothing is cached). Needs Debian's Chromium at /usr/bin/chromium
and the test requirements (Playwright); the site is served on 127.0.0.1 only.
"""

import argparse
import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote_plus

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SETTLED = """() => {
  const status = document.querySelector('[data-search-status]');
  const list = document.querySelector('[data-search-results]');
  return status && status.textContent.trim() && !list.hasAttribute('aria-busy');
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def bundle_size(site: Path) -> dict[str, tuple[int, int]]:
    """(files, bytes) of the bundle, by part: page data (fragment, index, filter folders) vs
    the fixed scripts, wasm and manifests ("top level")."""
    parts: dict[str, tuple[int, int]] = {}
    for path in sorted((site / "pagefind").rglob("*")):
        if not path.is_file():
            continue
        folder = path.parent.name
        part = folder if folder in ("fragment", "index", "filter") else "top level"
        files, size = parts.get(part, (0, 0))
        parts[part] = (files + 1, size + path.stat().st_size)
    return parts


def query_bytes(base_url: str, query: str) -> tuple[int, int, str]:
    """(requests, bytes) fetched from /pagefind/ for one query, and the result count line."""
    from playwright.sync_api import sync_playwright

    fetched: list[int] = []

    def on_finished(request) -> None:
        if "/pagefind/" in request.url:
            fetched.append(max(0, request.sizes()["responseBodySize"]))

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        page = context.new_page()
        page.on("requestfinished", on_finished)
        page.goto(f"{base_url}/search/?q={quote_plus(query)}")
        page.wait_for_function(SETTLED, timeout=120_000)
        page.wait_for_load_state("networkidle")
        status = page.locator("[data-search-status]").inner_text()
        context.close()
    return len(fetched), sum(fetched), status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site (output/)")
    parser.add_argument("queries", nargs="+", help="one-word queries to measure")
    args = parser.parse_args(argv)
    bundle = args.site / "pagefind"
    if not (bundle / "pagefind.js").is_file():
        parser.error(f"{args.site} has no pagefind/ bundle: build it with `make html` first")
    total_files = total_bytes = 0
    for part, (files, size) in bundle_size(args.site).items():
        print(f"bundle {part:<10} {files:>7,} files {size:>13,} bytes")
        total_files += files
        total_bytes += size
    print(f"bundle {'total':<10} {total_files:>7,} files {total_bytes:>13,} bytes")
    handler = functools.partial(QuietHandler, directory=str(args.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        for query in args.queries:
            requests, size, status = query_bytes(base_url, query)
            print(f"query {query!r}: {size:,} bytes in {requests} requests ({status})")
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
