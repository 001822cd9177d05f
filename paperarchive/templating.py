"""Jinja extensions for the theme: template indentation and JSON spacing stay out of pages.

Owns two small things. `CompactJson` makes Jinja's `tojson` (the paper page's JSON-LD) write
no spaces after `,` and `:`, and letters outside ASCII as themselves (the page is UTF-8), not
six-byte backslash-u escapes; its escaping of `<`, `>`, `&` and `'` is unchanged.
`DedentTemplates` strips each template line's leading spaces and tabs,
drops blank lines, and drops the line break between a tag and a block-level tag (`</h2>` then
`<p>`, `</li>` then `</ul>`) before Jinja compiles the template: a browser never renders
whitespace there, and the indentation and line breaks that keep the templates readable were
about 5 % of every paper page, repeated on every list page. Only the template source changes:
values a template prints (a BibTeX entry inside `<pre>`, an abstract) keep their whitespace,
and every other line break stays a line break, so no two words or inline elements (`<span>`,
`<a>`, `<label>`, `<input>`, ...) are joined. A template that needs literal indentation or
line breaks in its own text (a `<pre>` with multi-line template text) must not be used with it;
the theme has none.
"""

from __future__ import annotations

import re

from jinja2 import Environment
from jinja2.ext import Extension

_LEADING = re.compile(r"^[ \t]+", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{2,}")
# Elements whose surrounding whitespace a browser never renders (block-level, table, list and
# head elements). Inline and inline-block ones (a, span, label, input, button, select, ...)
# are not here: a line break between two of them is a visible space.
_BLOCK_TAGS = ("address|article|aside|blockquote|body|caption|dd|details|div|dl|dt|fieldset|"
               "figcaption|figure|footer|form|h[1-6]|head|header|hr|html|legend|li|link|main|"
               "meta|nav|noscript|ol|p|pre|script|section|style|summary|table|tbody|td|tfoot|"
               "th|thead|title|tr|ul")
# A line break after a tag, before a block-level tag, possibly with lines of nothing but a
# Jinja statement (trim_blocks removes their own line breaks) or comment in between.
_BREAK_BEFORE_BLOCK = re.compile(
    rf">\n(?=(?:{{%(?:[^%\n]|%(?!}}))*%}}\n|{{#(?:[^#]|#(?!}}))*#}}\n)*"
    rf"</?(?:{_BLOCK_TAGS})[\s/>])")


class DedentTemplates(Extension):
    """Strip leading whitespace, blank lines and line breaks before block-level tags from
    every template's source."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _BREAK_BEFORE_BLOCK.sub(">", _BLANK_LINES.sub("\n", _LEADING.sub("", source)))


class CompactJson(Extension):
    """`tojson` without the space after `,` and `:` or backslash-u escapes for non-ASCII
    letters (sorted keys, as Jinja's default)."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False,
                                                     "separators": (",", ":")}
