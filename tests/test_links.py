"""Outbound links are valid URLs that go to the same place."""

import pytest

from paperarchive.links import href


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/project?a=1&b=<2>", "https://example.org/project?a=1&b=%3C2%3E"),
        ("https://github.com/org/repo", "https://github.com/org/repo"),
        ("https://x.org/a%20b?q=%C3%A9#frag", "https://x.org/a%20b?q=%C3%A9#frag"),
        ("https://x.org/é\"{}", "https://x.org/%C3%A9%22%7B%7D"),
        (None, ""),
    ],
)
def test_href(url, expected):
    assert href(url) == expected
