"""A built site served on 127.0.0.1 for a headless Chromium: the screenshots, Lighthouse and
search benchmark scripts, and the browser tests.

Owns where Chromium is (Debian's `/usr/bin/chromium`, never a downloaded one), the flags it
runs with (headless, offline, no first-run work), and serving a folder over http on a free
port of 127.0.0.1. What is looked at, and how, stays with the callers.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# The search page (theme/static/js/search.js) has settled: its status line says something other
# than "Loading search…" or "Searching…", and its result list no longer waits (aria-busy).
SEARCH_SETTLED = """() => {
  const status = document.querySelector('[data-search-status]');
  const list = document.querySelector('[data-search-results]');
  return status && status.textContent.trim() && !status.textContent.includes('…')
    && !list.hasAttribute('aria-busy');
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path | str, port: int = 0,
          handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (`port`, or a free one); yield its base URL."""
    bound = functools.partial(handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
