"""Outbound URLs as valid `href` values.

`model.safe_url` guarantees an absolute http(s) URL with no whitespace, but listings may still
carry characters that URLs do not allow (``<``, ``>``, ``"``, ``{``, non-ASCII): browsers cope,
the HTML checker does not. `href` percent-encodes exactly those, leaving reserved characters and
existing escapes alone, so the link goes to the same place. HTML escaping stays the template's
job (autoescape).
"""

from __future__ import annotations

from urllib.parse import quote

# RFC 3986 reserved characters, unreserved punctuation and "%" (already-encoded octets).
_URL_SAFE = ":/?#[]@!$&'()*+,;=-._~%"


def href(url: str | None) -> str:
    """`url` with every character outside RFC 3986 percent-encoded (UTF-8); None gives ""."""
    if not url:
        return ""
    return quote(url, safe=_URL_SAFE)
