"""Downloading one day of Daily Papers from the Hugging Face API.

Owns the HTTP side: the request URL, paging with `p` until a short page (the API's default
`limit` of 50 silently truncates busy days, so we ask for 100 and page), and how hard to try.
HTTP is `requests` with urllib3's `Retry` (connection failures, garbled status lines, 429 and
5xx, honouring `Retry-After`), plus what neither gives: a wall-clock deadline per request (a
server dripping one byte a second must not hold a `--timeout 3` fetch for hours; requests'
timeout is per socket read), and retries of a body cut short (`IncompleteRead`). Every failure
is one line; a machine that is offline is told so.

It returns the raw API entries and warnings for a day that looks wrong (possibly truncated, or
empty); turning entries into listings is `importers.hf_api`, writing them is the caller's job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import logging
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://huggingface.co/api/daily_papers"
API_URL_ENV = "HF_API_URL"
PAGE_LIMIT = 100
# No real day has more than a few hundred papers; past this many pages the API is not paging.
MAX_PAGES = 30
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
USER_AGENT = "paperarchive (static archive of daily paper listings)"
RETRY_STATUSES = frozenset({429, *range(500, 600)})


class FetchError(Exception):
    """A download that failed; `str()` is one line for the user."""


class OfflineError(FetchError):
    """The API host could not be reached at all (no DNS, no route, connection refused)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: `retries` more attempts after the first, with doubling delays."""

    retries: int = 4
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_delay: float = 60.0  # cap on any one wait, Retry-After included
    timeout: float = 30.0  # wall-clock limit of one request, from connecting to the last byte


@dataclass(frozen=True)
class DayFetch:
    """What the API returned for one day, page by page merged into one list."""

    day: dt.date
    entries: tuple[Any, ...]
    pages: int
    warnings: tuple[str, ...]


Sleeper = Callable[[float], None]


def page_url(base_url: str, day: dt.date, page: int, limit: int = PAGE_LIMIT) -> str:
    """The API URL of one page of one day."""
    query = urllib.parse.urlencode({"date": day.isoformat(), "limit": limit, "p": page})
    return f"{base_url}{'&' if '?' in base_url else '?'}{query}"


def check_api_url(url: str) -> str:
    """`url` if it is an absolute http(s) URL with a host; else ValueError with the reason."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL such as {DEFAULT_API_URL}")
    return url


def retry_delay(attempt: int, policy: RetryPolicy, retry_after: str | None) -> float:
    """Seconds to wait before retry number `attempt` (1-based).

    `Retry-After` is either seconds or an HTTP date; when it is present and sane it wins over
    our own backoff, since the server knows when it will take requests again.
    """
    delay = policy.backoff * 2 ** (attempt - 1)
    if retry_after:
        text = retry_after.strip()
        if text.isdigit():
            delay = float(text)
        else:
            try:
                when = email.utils.parsedate_to_datetime(text)
                delay = max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
            except (TypeError, ValueError):
                pass
    return min(delay, policy.max_delay)


# --- the wall-clock deadline ------------------------------------------------------------------

class _Deadline:
    """Ends one request at a wall-clock time: when it passes, the sockets the request reads
    from are shut down, so a read blocked on a slow server returns at once."""

    _current = threading.local()

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        _Deadline._current.value = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _Deadline._current.value = None

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    @classmethod
    def watch(cls, sock: socket.socket | None) -> None:
        """Called by a connection about to read a response from `sock`."""
        deadline = getattr(cls._current, "value", None)
        if deadline is None or sock is None:
            return
        with deadline._lock:
            deadline._sockets.append(sock)
            if deadline.expired:
                _shutdown(sock)

    @classmethod
    def has_expired(cls) -> bool:
        deadline = getattr(cls._current, "value", None)
        return deadline is not None and deadline.expired


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _Deadline.watch(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _Deadline.watch(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _Adapter(HTTPAdapter):
    """requests' adapter, with connections that honour the current `_Deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool,
                                                   "https": _WatchedHTTPSPool}


# --- retries ----------------------------------------------------------------------------------

class _Retry(Retry):
    """urllib3's `Retry` with our delays (`retry_delay`: doubling from the first retry, capped,
    `Retry-After` capped too), one warning line per retry, an injectable sleep for tests, no
    retries of a failed DNS lookup (it will not fix itself in seconds) nor past the deadline."""

    policy: RetryPolicy = RetryPolicy()
    sleeper: Sleeper = staticmethod(time.sleep)
    target: str = ""  # the URL, for the warnings (urllib3 knows only its path)

    @classmethod
    def for_policy(cls, policy: RetryPolicy, sleeper: Sleeper, target: str) -> _Retry:
        retry = cls(total=policy.retries, allowed_methods=frozenset({"GET"}),
                    status_forcelist=RETRY_STATUSES, raise_on_status=False,
                    respect_retry_after_header=True)
        retry.policy, retry.sleeper, retry.target = policy, sleeper, target
        return retry

    def new(self, **kw: Any) -> _Retry:
        retry = super().new(**kw)
        retry.policy, retry.sleeper, retry.target = self.policy, self.sleeper, self.target
        return retry

    def increment(self, method: str | None = None, url: str | None = None,
                  response: Any = None, error: Exception | None = None,
                  _pool: Any = None, _stacktrace: Any = None) -> _Retry:
        if isinstance(error, NameResolutionError) or _Deadline.has_expired():
            raise MaxRetryError(_pool, url or "", error)  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def sleep(self, response: Any = None) -> None:
        attempt = len(self.history)
        last = self.history[-1] if self.history else None
        problem = (f"HTTP {last.status}" if last is not None and last.status
                   else describe_error(last.error) if last is not None else "a failure")
        header = response.headers.get("Retry-After") if response is not None else None
        delay = retry_delay(attempt, self.policy, header)
        log.warning("%s for %s; retrying in %.1f s (attempt %d of %d)",
                    problem, self.target, delay, attempt + 1, self.policy.retries + 1)
        self.sleeper(delay)


def describe_error(error: BaseException | None) -> str:
    """One line for a transport failure, however deeply urllib3 and requests wrapped it."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, NameResolutionError):
            return "cannot look up the host"
        if isinstance(error, NewConnectionError):
            inner = error.__context__ or error.__cause__
            return _reason_text(inner) if isinstance(inner, OSError) else "cannot connect"
        if isinstance(error, urllib3.exceptions.ReadTimeoutError | socket.timeout):
            return "timed out"
        if isinstance(error, urllib3.exceptions.ProtocolError):
            inner = error.args[1] if len(error.args) > 1 else None
            if isinstance(inner, BaseException):
                return f"{describe_error(inner)}"
            return str(error.args[0]) if error.args else "protocol error"
        name = type(error).__name__
        if name == "IncompleteRead":
            return "the response was cut short (IncompleteRead)"
        if name in ("BadStatusLine", "LineTooLong", "UnknownProtocol"):
            return f"a garbled HTTP status line ({name})"
        if name == "RemoteDisconnected":
            return "the server closed the connection without answering"
        if isinstance(error, MaxRetryError):
            error = error.reason
            continue
        if isinstance(error, requests.RequestException) and error.args and isinstance(
                error.args[0], BaseException):
            error = error.args[0]
            continue
        if isinstance(error, OSError) and error.strerror:
            return error.strerror.lower()
        text = str(error).splitlines()[0] if str(error) else name
        return text[:200]
    return "a transport failure"


def _reason_text(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


# --- one GET ----------------------------------------------------------------------------------

class _BodyProblem(Exception):
    """The headers arrived but not the whole body; retried like a transport failure."""


class Client:
    """One session for a fetch: connections are kept alive between pages and days."""

    def __init__(self, policy: RetryPolicy = RetryPolicy(), sleep: Sleeper = time.sleep) -> None:
        self.policy = policy
        self.sleep = sleep
        # urllib3 logs each retry on its own, with a repr of its state; ours say it in one line.
        logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.adapter = _Adapter()
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)

    def close(self) -> None:
        self.session.close()

    def get_json(self, url: str) -> Any:
        """GET `url` and decode its JSON, retrying transient failures."""
        host = urllib.parse.urlsplit(url).netloc
        policy = self.policy
        retry = _Retry.for_policy(policy, self.sleep, url)
        while True:
            # The adapter retries what urllib3 can (connections, status lines, 429/5xx) from the
            # budget left; a body cut short or the deadline is retried here from the same one.
            self.adapter.max_retries = retry
            with _Deadline(policy.timeout) as deadline:
                try:
                    body, retry = self._get(url, retry, deadline)
                    break
                except _BodyProblem as exc:
                    problem = str(exc)
                except requests.RequestException as exc:
                    if deadline.expired:
                        problem = f"no complete answer within {policy.timeout:g} s"
                    else:
                        raise self._give_up(exc, url, host, retry) from None
            retry = self._retry_body(retry, url, problem)
        if len(body) > MAX_RESPONSE_BYTES:
            raise FetchError(f"response from {url} is over {MAX_RESPONSE_BYTES:,} bytes")
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchError(f"invalid JSON from {url}: {exc}") from None

    def _get(self, url: str, retry: _Retry, deadline: _Deadline) -> tuple[bytes, _Retry]:
        timeout = self.policy.timeout
        with self.session.get(url, timeout=(timeout, timeout), stream=True) as response:
            retry = getattr(response.raw, "retries", None) or retry
            if response.status_code >= 400:
                text = f"HTTP {response.status_code} {response.reason}"
                if response.status_code in RETRY_STATUSES:
                    raise FetchError(f"{text} for {url}, gave up after "
                                     f"{_attempts(len(retry.history) + 1)}")
                raise FetchError(f"{text} for {url}")
            chunks, size = [], 0
            try:
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        raise FetchError(f"response from {url} is over "
                                         f"{MAX_RESPONSE_BYTES:,} bytes")
                    chunks.append(chunk)
            except requests.RequestException as exc:
                if deadline.expired:
                    raise _BodyProblem(f"no complete answer within {timeout:g} s") from None
                raise _BodyProblem(describe_error(exc)) from None
            if deadline.expired:  # a shut-down socket may end the body early without an error
                raise _BodyProblem(f"no complete answer within {timeout:g} s")
        return b"".join(chunks), retry

    def _retry_body(self, retry: _Retry, url: str, problem: str) -> _Retry:
        attempts = len(retry.history) + 1
        if retry.total is not None and retry.total <= 0:
            raise FetchError(f"{problem} for {url}, gave up after {_attempts(attempts)}")
        retry = retry.increment("GET", url, error=urllib3.exceptions.ProtocolError(problem))
        retry.sleep()
        return retry

    def _give_up(self, exc: requests.RequestException, url: str, host: str,
                 retry: _Retry) -> FetchError:
        reason = exc.args[0] if exc.args else exc
        inner = reason.reason if isinstance(reason, MaxRetryError) else reason
        attempts = self.policy.retries + 1
        if isinstance(inner, MaxRetryError):
            inner = inner.reason
        if isinstance(inner, NameResolutionError):
            cause = inner.__cause__ or inner.__context__
            text = _reason_text(cause) if cause else "no such host"
            return OfflineError(f"cannot look up {host} ({text}): are you offline?")
        if isinstance(inner, NewConnectionError) or isinstance(exc, requests.ConnectTimeout):
            return OfflineError(f"cannot connect to {host} ({describe_error(inner)}): "
                                f"are you offline?")
        if isinstance(exc, requests.Timeout):
            return FetchError(f"timed out after {self.policy.timeout:g} s for {url}, gave up "
                              f"after {_attempts(attempts)}")
        return FetchError(f"{describe_error(inner)} for {url}, gave up after "
                          f"{_attempts(attempts)}")


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"


def get_json(url: str, *, policy: RetryPolicy = RetryPolicy(),
             sleep: Sleeper = time.sleep) -> Any:
    """GET `url` once (with retries) on a session of its own."""
    client = Client(policy, sleep)
    try:
        return client.get_json(url)
    finally:
        client.close()


def fetch_day(
    day: dt.date,
    *,
    base_url: str = DEFAULT_API_URL,
    limit: int = PAGE_LIMIT,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Sleeper = time.sleep,
    client: Client | None = None,
) -> DayFetch:
    """Every entry the API lists for `day`, paging until a page comes back short.

    A full page is always followed by a request for the next one, so a day of exactly 100
    papers ends with an empty page and is complete; only an API that repeats a page (ignores
    `p`) or pages on past `MAX_PAGES` leaves a day possibly truncated.
    """
    own = client is None
    client = client or Client(policy, sleep)
    try:
        return _fetch_pages(day, base_url, limit, client)
    finally:
        if own:
            client.close()


def _fetch_pages(day: dt.date, base_url: str, limit: int, client: Client) -> DayFetch:
    entries: list[Any] = []
    seen_ids: set[str] = set()
    warnings: list[str] = []
    previous_ids: list[str | None] | None = None
    pages = 0
    while True:
        url = page_url(base_url, day, pages, limit)
        data = client.get_json(url)
        pages += 1
        if not isinstance(data, list):
            kind = "an object" if isinstance(data, dict) else type(data).__name__
            raise FetchError(f"expected a JSON array from {url}, got {kind}")
        ids = [_entry_id(entry) for entry in data]
        if data and ids == previous_ids:
            warnings.append(f"{day}: page {pages - 1} repeats the previous page (the API "
                            f"ignored 'p'); the day may be truncated at {len(entries)} papers")
            break
        previous_ids = ids
        for entry, paper_id in zip(data, ids, strict=True):
            if paper_id is not None and paper_id in seen_ids:
                continue  # the listing shifted between pages; keep the first copy
            if paper_id is not None:
                seen_ids.add(paper_id)
            entries.append(entry)
        if len(data) < limit:
            break
        if pages >= MAX_PAGES:
            warnings.append(f"{day}: stopped after {MAX_PAGES} full pages; the day may be "
                            f"truncated at {len(entries)} papers")
            break
    if not entries:
        warnings.append(f"{day}: the API listed no papers (a weekend, a holiday, or not "
                        f"published yet)")
    return DayFetch(day=day, entries=tuple(entries), pages=pages, warnings=tuple(warnings))


def _entry_id(entry: Any) -> str | None:
    paper = entry.get("paper") if isinstance(entry, dict) else None
    paper_id = paper.get("id") if isinstance(paper, dict) else None
    return paper_id if isinstance(paper_id, str) else None
