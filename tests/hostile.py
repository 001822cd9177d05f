"""Hostile text for the robustness tests: Hypothesis strategies and an unsafe-markup scanner.

Anyone can put anything in a paper title, so the tests feed every stage strings made of the
pieces below (markup, script, event handlers, unsafe URLs, Markdown and Jinja syntax, control
and bidi characters, lone surrogates, zero-width characters, emoji, very long runs) and check
the output with `unsafe_markup`, which looks at parsed HTML the way a browser would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html
from hypothesis import strategies as st

# One piece per kind of attack; generated strings are made of these and of random characters.
SNIPPETS = (
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(3)>",
    '"><svg onload=alert(4)>',
    "' onmouseover='alert(5)",
    '<a href="javascript:alert(6)">click</a>',
    "javascript:alert(7)",
    "JaVaScRiPt:alert(8)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==",
    "<iframe src=//evil.test></iframe>",
    "<style>*{display:none}</style>",
    "<!-- comment -->",
    "<![CDATA[ x ]]>",
    "]]>",
    "&lt;script&gt;",
    "&#x3C;script&#x3E;",
    "&amp;",
    "{{ 7*7 }}",
    "{{ config }}",
    "{% for x in range(3) %}LOOP{% endfor %}",
    "{# comment #}",
    "${7*7}",
    "**bold** __strong__ _em_ *em*",
    "`code`",
    "[link](javascript:alert(10))",
    "![image](data:image/png;base64,AAAA)",
    "<http://autolink.test>",
    "# heading",
    "- item",
    "+ item",
    "1. item",
    "> quote",
    "---",
    "===",
    "    indented code",
    "| a | b |",
    "Title: injected header",
    "\\",
    "'",
    '"',
    "$x<y$",
    "$$\\href{javascript:alert(11)}{x}$$",
    "\\(\\text{<b>bold</b>}\\)",
    "\x00\x07\x08\x0b\x0c\x1b\x7f\x85\x9f",
    "\ud800",
    "\udfff",
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    "\u200b\u200c\u200d\u2060\ufeff",
    "\ufffe\uffff",
    "\u2028\u2029",
    "😀👩‍🔬🏳️‍🌈",
    "Ω≈ç√∫ 中文 العربية",
    "\r\n",
    "\n\n",
    "\t",
)

# The characters Hypothesis may add between the pieces, surrogates and controls included.
ANY_CHARACTER = st.characters(exclude_categories=())


def hostile_text(*, max_pieces: int = 8, long: int = 10_000) -> st.SearchStrategy[str]:
    """Strings made of hostile pieces and random characters, sometimes `long` characters."""
    piece = st.one_of(st.sampled_from(SNIPPETS), st.text(ANY_CHARACTER, max_size=8))
    mixed = st.lists(piece, max_size=max_pieces).map("".join)
    long_runs = st.tuples(st.sampled_from(SNIPPETS), st.sampled_from(("a", "<", "{", "é"))).map(
        lambda pair: (pair[0] + pair[1] * long)[:long])
    return st.one_of(mixed, long_runs)


def hostile_url() -> st.SearchStrategy[str]:
    """URLs, safe and not: http(s), javascript:, data:, relative, with markup and spaces."""
    scheme = st.sampled_from(("http://", "https://", "javascript:", "JAVASCRIPT:", "data:",
                              "vbscript:", "//", "", "ftp://", " javascript:", "java\tscript:"))
    return st.tuples(scheme, hostile_text(max_pieces=3)).map("".join)


# --- Scanning output --------------------------------------------------------------------------

# Elements no listing text may ever create on a page.
FORBIDDEN_TAGS = frozenset({"script", "iframe", "object", "embed", "style", "base", "form",
                            "frame", "frameset", "applet", "link", "meta", "svg", "img"})
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "cite", "background",
                  "xlink:href", "data")
UNSAFE_SCHEME_RE = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.IGNORECASE)


def unsafe_markup(root: lxml.html.HtmlElement, *, allowed_tags: Iterable[str] = (),
                  known_scripts: Iterable[tuple[str, str, str]] = ()) -> list[str]:
    """Every element or attribute in `root` that listing text must never produce.

    `allowed_tags` are forbidden tags the page's own template uses (e.g. `link`, `meta`);
    `known_scripts` are (type, src, text) triples of the theme's own scripts. A JSON-LD
    script is accepted when its text cannot close the element (no `<`).
    """
    allowed = set(allowed_tags)
    known = set(known_scripts)
    problems = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        tag = node.tag.lower()
        if tag == "script":
            kind = node.get("type", "")
            if kind == "application/ld+json":
                if "<" in (node.text or ""):
                    problems.append("JSON-LD script with a '<' in it")
            elif (kind, node.get("src", ""), (node.text or "").strip()) not in known:
                problems.append(f"unknown script: {lxml.html.tostring(node)[:120]!r}")
        elif tag in FORBIDDEN_TAGS and tag not in allowed:
            problems.append(f"<{tag}> element: {lxml.html.tostring(node)[:120]!r}")
        for name, value in node.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"<{tag} {name}={value[:40]!r}> event handler")
            if name.lower() in URL_ATTRIBUTES and UNSAFE_SCHEME_RE.match(value):
                problems.append(f"<{tag} {name}={value[:40]!r}> unsafe URL")
    return problems


def script_signature(node: lxml.html.HtmlElement) -> tuple[str, str, str]:
    return (node.get("type", ""), node.get("src", ""), (node.text or "").strip())


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """An HTML fragment inside one wrapper element, so it can be scanned like a page."""
    return lxml.html.fragment_fromstring(html, create_parent="div")
