"""Downloading one day of Daily Papers from the Hugging Face API.

Owns the HTTP side: the request URL, paging with `p` until a short page (the API's default
`limit` of 50 silently truncates busy days, so we ask for 100 and page), timeouts, retries with
exponential backoff on 429 and 5xx (honouring `Retry-After`), a one-line message when the
machine is offline, and warnings for a day that looks wrong (empty, or possibly truncated).
It returns the raw API entries; turning them into listings is `importers.hf_api`, and writing
them is the caller's job. The standard library's urllib is enough here: one GET per page.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://huggingface.co/api/daily_papers"
API_URL_ENV = "HF_API_URL"
PAGE_LIMIT = 100
# No real day has more than a few hundred papers; past this many pages the API is not paging.
MAX_PAGES = 30
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
USER_AGENT = "paperarchive (static archive of daily paper listings)"


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
    timeout: float = 30.0  # per request


@dataclass(frozen=True)
class DayFetch:
    """What the API returned for one day, page by page merged into one list."""

    day: dt.date
    entries: tuple[Any, ...]
    pages: int
    warnings: tuple[str, ...]


Opener = Callable[..., Any]
Sleeper = Callable[[float], None]


def page_url(base_url: str, day: dt.date, page: int, limit: int = PAGE_LIMIT) -> str:
    """The API URL of one page of one day."""
    query = urllib.parse.urlencode({"date": day.isoformat(), "limit": limit, "p": page})
    return f"{base_url}{'&' if '?' in base_url else '?'}{query}"


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


def get_json(
    url: str,
    *,
    policy: RetryPolicy = RetryPolicy(),
    opener: Opener = urllib.request.urlopen,
    sleep: Sleeper = time.sleep,
) -> Any:
    """GET `url` and decode its JSON, retrying transient failures."""
    host = urllib.parse.urlsplit(url).netloc
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,  # noqa: S310
                                                   "Accept": "application/json"})
    attempt = 0
    while True:
        attempt += 1
        retry_after: str | None = None
        unreachable = False  # no connection at all: after the last retry, say "offline"
        try:
            with opener(request, timeout=policy.timeout) as response:
                body = response.read(MAX_RESPONSE_BYTES + 1)
            break
        except urllib.error.HTTPError as exc:
            if exc.code != 429 and not 500 <= exc.code <= 599:
                raise FetchError(f"HTTP {exc.code} {exc.reason} for {url}") from None
            problem = f"HTTP {exc.code} {exc.reason}"
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, socket.gaierror):
                # A failed DNS lookup will not fix itself in a few seconds: no retries.
                raise OfflineError(f"cannot look up {host} ({_reason_text(reason)}): "
                                   f"are you offline?") from None
            if isinstance(reason, TimeoutError):
                problem = f"timed out after {policy.timeout:g} s"
            else:
                problem = _reason_text(reason)
                unreachable = isinstance(reason, OSError)
        except TimeoutError:
            problem = f"timed out after {policy.timeout:g} s"
        except OSError as exc:  # connection reset mid-response, and the like
            problem = _reason_text(exc)
        if attempt > policy.retries:
            if unreachable:
                raise OfflineError(f"cannot connect to {host} ({problem}): are you offline?")
            raise FetchError(f"{problem} for {url}, gave up after {attempt} attempts")
        delay = retry_delay(attempt, policy, retry_after)
        log.warning("%s for %s; retrying in %.1f s (attempt %d of %d)",
                    problem, url, delay, attempt + 1, policy.retries + 1)
        sleep(delay)
    if len(body) > MAX_RESPONSE_BYTES:
        raise FetchError(f"response from {url} is over {MAX_RESPONSE_BYTES:,} bytes")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"invalid JSON from {url}: {exc}") from None


def _reason_text(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


def fetch_day(
    day: dt.date,
    *,
    base_url: str = DEFAULT_API_URL,
    limit: int = PAGE_LIMIT,
    policy: RetryPolicy = RetryPolicy(),
    opener: Opener = urllib.request.urlopen,
    sleep: Sleeper = time.sleep,
) -> DayFetch:
    """Every entry the API lists for `day`, paging until a page comes back short."""
    entries: list[Any] = []
    seen_ids: set[str] = set()
    warnings: list[str] = []
    previous_ids: list[str] | None = None
    pages = 0
    while True:
        url = page_url(base_url, day, pages, limit)
        data = get_json(url, policy=policy, opener=opener, sleep=sleep)
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
    elif len(entries) % limit == 0 and not warnings:
        warnings.append(f"{day}: {len(entries)} papers, exactly a multiple of the page size "
                        f"{limit}; the last page was full, so the day may be truncated")
    return DayFetch(day=day, entries=tuple(entries), pages=pages, warnings=tuple(warnings))


def _entry_id(entry: Any) -> str | None:
    paper = entry.get("paper") if isinstance(entry, dict) else None
    paper_id = paper.get("id") if isinstance(paper, dict) else None
    return paper_id if isinstance(paper_id, str) else None
