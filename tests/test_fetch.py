"""Fetching from a local fake of the HF API: paging, retries, offline, suspicious days."""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest
from hf_fake_server import FakeHF

from paperarchive.fetch import (
    FetchError,
    OfflineError,
    RetryPolicy,
    fetch_day,
    page_url,
    retry_delay,
)

DAY = dt.date(2026, 5, 29)
FAST = RetryPolicy(retries=3, backoff=0.5, timeout=5)


@pytest.fixture
def fake():
    with FakeHF() as server:
        yield server


def test_page_url_asks_for_100_and_a_page():
    url = page_url("https://huggingface.co/api/daily_papers", DAY, 2)
    assert url == "https://huggingface.co/api/daily_papers?date=2026-05-29&limit=100&p=2"


def test_one_short_page_is_the_whole_day(fake):
    recorded = fake.add_recorded_day("2026-05-29")
    result = fetch_day(DAY, base_url=fake.url, policy=FAST, sleep=pytest.fail)
    assert [e["paper"]["id"] for e in result.entries] == [e["paper"]["id"] for e in recorded]
    assert result.pages == 1 and result.warnings == ()
    assert fake.requests == [{"date": "2026-05-29", "limit": "100", "p": "0"}]


def test_pages_until_a_short_page(fake):
    recorded = fake.add_recorded_day("2026-05-29")  # 45 papers: pages of 20, 20 and 5
    result = fetch_day(DAY, base_url=fake.url, limit=20, policy=FAST)
    assert len(result.entries) == len(recorded) == 45
    assert result.pages == 3
    assert [r["p"] for r in fake.requests] == ["0", "1", "2"]
    assert result.warnings == ()


def test_a_full_last_page_then_an_empty_page_is_the_whole_day(fake):
    fake.add_recorded_day("2026-08-20")  # 15 papers
    result = fetch_day(dt.date(2026, 8, 20), base_url=fake.url, limit=15, policy=FAST)
    assert len(result.entries) == 15 and result.pages == 2
    assert [r["p"] for r in fake.requests] == ["0", "1"]
    assert result.warnings == ()  # the empty second page proves the day complete


def test_an_api_that_ignores_paging_is_reported_not_looped(fake):
    fake.add_recorded_day("2026-05-29")
    fake.ignore_paging = True
    result = fetch_day(DAY, base_url=fake.url, limit=20, policy=FAST)
    assert len(result.entries) == 20 and result.pages == 2
    assert "repeats the previous page" in result.warnings[0]


def test_an_empty_day_is_reported(fake):
    result = fetch_day(dt.date(2026, 5, 30), base_url=fake.url, policy=FAST)
    assert result.entries == () and result.pages == 1
    assert "no papers" in result.warnings[0]


def test_retries_a_503_then_succeeds(fake):
    fake.add_recorded_day("2026-05-29")
    fake.failures = [(503, {}), (502, {})]
    waits: list[float] = []
    result = fetch_day(DAY, base_url=fake.url, policy=FAST, sleep=waits.append)
    assert len(result.entries) == 45
    assert waits == [0.5, 1.0]  # exponential backoff
    assert len(fake.requests) == 3


def test_429_honours_retry_after(fake):
    fake.add_recorded_day("2026-05-29")
    fake.failures = [(429, {"Retry-After": "7"})]
    waits: list[float] = []
    fetch_day(DAY, base_url=fake.url, policy=FAST, sleep=waits.append)
    assert waits == [7.0]


def test_gives_up_after_the_retries(fake):
    fake.failures = [(500, {})] * 10
    waits: list[float] = []
    with pytest.raises(FetchError, match=r"HTTP 500 .* gave up after 4 attempts"):
        fetch_day(DAY, base_url=fake.url, policy=FAST, sleep=waits.append)
    assert waits == [0.5, 1.0, 2.0]


def test_client_errors_are_not_retried(fake):
    fake.failures = [(404, {})]
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_day(DAY, base_url=fake.url, policy=FAST, sleep=pytest.fail)


def test_a_wrapper_object_is_refused(fake):
    fake.failures = [(200, {})]  # the fake's error body is a JSON object, not an array
    with pytest.raises(FetchError, match=r"expected a JSON array .* got an object"):
        fetch_day(DAY, base_url=fake.url, policy=FAST)


@pytest.mark.parametrize(("header", "expected"), [(None, 4.0), ("12", 12.0), ("9999", 60.0),
                                                  ("soon", 4.0)])
def test_retry_delay(header, expected):
    assert retry_delay(3, RetryPolicy(backoff=1.0, max_delay=60.0), header) == expected


def test_dns_failure_is_an_offline_message_without_retries():
    # .invalid never resolves (RFC 6761), online or not.
    with pytest.raises(OfflineError) as caught:
        fetch_day(DAY, base_url="http://no-such-host.invalid/api", policy=FAST,
                  sleep=pytest.fail)
    message = str(caught.value)
    assert message.startswith("cannot look up no-such-host.invalid (")
    assert message.endswith("): are you offline?") and "\n" not in message


def test_refused_connection_is_an_offline_message_after_retries():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    waits: list[float] = []
    with pytest.raises(OfflineError, match=rf"cannot connect to 127.0.0.1:{port} .* offline"):
        fetch_day(DAY, base_url=f"http://127.0.0.1:{port}/api", policy=FAST, sleep=waits.append)
    assert len(waits) == 3


# --- transport faults: one line each, retried ------------------------------------------------

@pytest.mark.parametrize(("fault", "said"), [
    ("incomplete", "cut short (IncompleteRead)"),
    ("garbled", "garbled HTTP status line"),
])
def test_a_transport_fault_is_one_warning_line_and_retried(fake, fault, said, caplog):
    fake.add_recorded_day("2026-05-29")
    fake.failures = [fault]
    waits: list[float] = []
    result = fetch_day(DAY, base_url=fake.url, policy=FAST, sleep=waits.append)
    assert len(result.entries) == 45
    assert waits == [0.5] and len(fake.requests) == 2
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert said in warning and "retrying in 0.5 s (attempt 2 of 4)" in warning
    assert "\n" not in warning


def test_a_transport_fault_that_persists_gives_up_with_one_line(fake):
    fake.failures = ["incomplete"] * 10
    with pytest.raises(FetchError) as caught:
        fetch_day(DAY, base_url=fake.url, policy=FAST, sleep=lambda s: None)
    assert "cut short (IncompleteRead)" in str(caught.value)
    assert "gave up after 4 attempts" in str(caught.value)
    assert len(fake.requests) == 4


def test_a_server_dripping_bytes_is_cut_at_the_deadline(fake):
    fake.add_recorded_day("2026-05-29")
    fake.failures = ["drip"] * 10
    fake.drip_delay = 0.2
    policy = RetryPolicy(retries=1, backoff=0, timeout=1.0)
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"no complete answer within 1 s .* gave up after 2"):
        fetch_day(DAY, base_url=fake.url, policy=policy, sleep=lambda s: None)
    elapsed = time.monotonic() - start
    # Two attempts of 1 s each; requests' own timeout (per read) would wait for every byte.
    assert elapsed < 4, elapsed


def test_a_server_dripping_its_headers_is_cut_at_the_deadline_too(fake):
    fake.failures = ["drip-headers"] * 10
    fake.drip_delay = 0.2
    policy = RetryPolicy(retries=1, backoff=0, timeout=1.0)
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"no complete answer within 1 s .* gave up after 2"):
        fetch_day(DAY, base_url=fake.url, policy=policy, sleep=lambda s: None)
    # Two attempts of 1 s; without the deadline each would wait for all ~50 header bytes (10 s).
    assert time.monotonic() - start < 6


def test_a_drip_then_a_good_answer_succeeds(fake):
    fake.add_recorded_day("2026-05-29")
    fake.failures = ["drip"]
    fake.drip_delay = 0.5
    result = fetch_day(DAY, base_url=fake.url, policy=RetryPolicy(retries=2, timeout=1.0),
                       sleep=lambda s: None)
    assert len(result.entries) == 45
