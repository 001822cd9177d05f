"""Jinja extensions for the theme: template indentation and JSON spacing stay out of pages.

Owns two small things. `CompactJson` makes Jinja's `tojson` (the paper page's JSON-LD) write
no spaces after `,` and `:`, and letters outside ASCII as themselves (the page is UTF-8), not
six-byte backslash-u escapes; its escaping of `<`, `>`, `&` and `'` is unchanged.
`DedentTemplates` strips each template line's leading spaces and tabs
and drops blank lines before Jinja compiles the template. The indentation that keeps the
templates readable was about 4 % of every paper page, repeated on every list page. Only the
template source changes: values a template prints (a BibTeX entry inside `<pre>`, an abstract)
keep their whitespace, and every line break stays a line break, so no two words or inline
elements are joined. A template that needs literal indentation in its own text (a `<pre>` with
multi-line template text) must not be used with it; the theme has none.
"""

from __future__ import annotations

import re

from jinja2 import Environment
from jinja2.ext import Extension

_LEADING = re.compile(r"^[ \t]+", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{2,}")


class DedentTemplates(Extension):
    """Strip leading whitespace and blank lines from every template's source."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _BLANK_LINES.sub("\n", _LEADING.sub("", source))


class CompactJson(Extension):
    """`tojson` without the space after `,` and `:` or backslash-u escapes for non-ASCII
    letters (sorted keys, as Jinja's default)."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False,
                                                     "separators": (",", ":")}
