"""A local stand-in for the HF Daily Papers API, serving recorded responses on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).parent / "data" / "hf"


class FakeHF:
    """Serves `days` (date -> API entries) paged like the real API.

    `failures` are answers sent, in order, before any real answer: (status, headers), or one
    of the transport faults "incomplete" (the body cut short of its Content-Length), "garbled"
    (a status line that is not HTTP), "drip" (the real answer, one byte every `drip_delay`
    seconds) and "drip-headers" (the headers so, never a body); `day_failures` maps a date to
    an HTTP status it is always answered with; `ignore_paging` answers every `p` with the
    first page, as a broken API would.
    """

    def __init__(self) -> None:
        self.days: dict[str, list[Any]] = {}
        self.failures: list[tuple[int, dict[str, str]] | str] = []
        self.drip_delay = 1.0
        self.ignore_paging = False
        self.day_failures: dict[str, int] = {}  # date -> an HTTP status it always answers
        self.requests: list[dict[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/daily_papers"

    def add_recorded_day(self, day: str) -> list[Any]:
        self.days[day] = json.loads((RECORDED / f"{day}.json").read_text(encoding="utf-8"))
        return self.days[day]

    def __enter__(self) -> FakeHF:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, query: dict[str, str]) -> tuple[int | str, dict[str, str], bytes]:
        self.requests.append(query)
        if query.get("date") in self.day_failures:
            return self.day_failures[query["date"]], {}, b'{"error": "not found"}'
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, str):
                return failure, {}, self._page(query)
            status, headers = failure
            return status, headers, b'{"error": "try later"}'
        return 200, {"Content-Type": "application/json"}, self._page(query)

    def _page(self, query: dict[str, str]) -> bytes:
        entries = self.days.get(query.get("date", ""), [])
        limit = int(query.get("limit", "50"))
        page = 0 if self.ignore_paging else int(query.get("p", "0"))
        return json.dumps(entries[page * limit:(page + 1) * limit]).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                status, headers, body = fake._answer(query)
                if status == "drip-headers":  # the status line itself, byte by byte
                    self.close_connection = True
                    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n":
                        try:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(fake.drip_delay)
                    return
                if status == "garbled":
                    self.close_connection = True
                    self.wfile.write(b"HTTP/1.1 2OO Okay-ish\r\n\r\n" + body)
                    return
                if status in ("incomplete", "drip"):
                    self.close_connection = True
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if status == "incomplete":
                        self.wfile.write(body[:len(body) // 2])
                        return
                    for byte in body:
                        try:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(fake.drip_delay)
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
