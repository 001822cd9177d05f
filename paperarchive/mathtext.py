"""TeX math in titles and abstracts, turned into safe HTML with MathML at build time.

Owns one transformation: text that may contain ``$...$``, ``$$...$$``, ``\\(...\\)`` or
``\\[...\\]`` becomes HTML in which everything outside math is escaped and every math span is
MathML (browsers render MathML natively, so no client-side library is needed). A span that
latex2mathml cannot convert, or whose output contains anything outside the MathML allowlist
below, falls back to its escaped TeX source: a reader still sees what the author wrote.

latex2mathml is not a sanitiser (``\\text{<b>}`` passes markup through and ``\\href`` makes an
``href`` attribute), so its output is parsed and re-serialised through an element and attribute
allowlist, with every text node and attribute value escaped again. The TeX source is kept in an
``<annotation>`` so copying and search still find it.

It leaves paragraphs, Markdown and page layout to the templates and `render`.
"""

from __future__ import annotations

import functools
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import escape

from latex2mathml.converter import convert
from markupsafe import Markup

log = logging.getLogger(__name__)

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# Presentation MathML that latex2mathml emits and browsers render; anything else is refused.
ALLOWED_ELEMENTS = frozenset((
    "math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace",
    "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
    "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "merror",
    "mmultiscripts", "mprescripts", "none",
))
# Layout attributes only: no href, style, event handlers, colours or anything that loads.
ALLOWED_ATTRIBUTES = frozenset((
    "display", "mathvariant", "stretchy", "fence", "separator", "form", "lspace", "rspace",
    "accent", "accentunder", "movablelimits", "minsize", "maxsize", "symmetric", "largeop",
    "width", "height", "depth", "linethickness", "columnalign", "rowalign", "columnspacing",
    "rowspacing", "columnlines", "rowlines", "frame", "displaystyle", "scriptlevel", "notation",
    "encoding",
))
# The longest TeX span worth converting; past it the source is shown as text.
MAX_MATH_LENGTH = 2_000

# One math span. `$` spans follow Pandoc's rule so prices ("$5 and $10") stay text: the opening
# `$` is followed by a non-space, the closing one preceded by a non-space and not followed by
# a digit. `\$` is a literal dollar sign.
_MATH_RE = re.compile(
    r"""
    (?P<escaped>\\\$)
    | \$\$(?P<display>[^$]+?)\$\$
    | \\\[(?P<display2>.+?)\\\]
    | \\\((?P<inline2>.+?)\\\)
    | (?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?![0-9$])
    """,
    re.VERBOSE | re.DOTALL,
)


# TeX text commands that arXiv titles and abstracts use outside math (``\textsc{AIEV}``): in
# prose they are replaced by their argument, since a browser would show the command literally.
_TEXT_COMMAND_RE = re.compile(
    r"\\(?:textsc|textbf|textit|texttt|textrm|textsf|emph|mbox|underline)\{([^{}\\$]*)\}"
)


def _prose(text: str) -> str:
    return _TEXT_COMMAND_RE.sub(r"\1", text)


def has_math(text: str) -> bool:
    """True if `text` contains at least one math span."""
    return any(m.group("escaped") is None for m in _MATH_RE.finditer(text))


# Pure functions of one string, called for every title in every list a paper appears in (its
# page, its day, its topics, its neighbours' related lists): cached, they run once a title.
@functools.lru_cache(maxsize=1 << 16)
def math_to_html(text: str | None) -> Markup:
    """`text` as safe HTML: prose escaped, math spans as sanitised MathML.

    Pure and deterministic. `None` gives an empty string, so templates can pass optional fields.
    """
    if not text:
        return Markup("")
    # Safe by construction: every part is escaped text or re-serialised allowlisted MathML.
    return Markup("".join(_html_parts(text)))  # noqa: S704


@functools.lru_cache(maxsize=1 << 16)
def math_to_text(text: str | None) -> str:
    """`text` as plain text for places that cannot hold markup (`<title>`, meta tags, feeds).

    The TeX source stays as written, minus its delimiters, which is what a search box or a
    share preview should show.
    """
    if not text:
        return ""
    parts = []
    position = 0
    for match in _MATH_RE.finditer(text):
        parts.append(_prose(text[position:match.start()]))
        parts.append("$" if match.group("escaped") else _span_source(match)[0].strip())
        position = match.end()
    parts.append(_prose(text[position:]))
    return "".join(parts)


def _span_source(match: re.Match[str]) -> tuple[str, str]:
    """The TeX inside a span and how it is displayed ("block" or "inline")."""
    for group, display in (("display", "block"), ("display2", "block"),
                           ("inline2", "inline"), ("inline", "inline")):
        tex = match.group(group)
        if tex is not None:
            return tex, display
    raise ValueError("not a math span")  # unreachable: callers skip escaped dollars


def _html_parts(text: str) -> Iterator[str]:
    position = 0
    for match in _MATH_RE.finditer(text):
        yield escape(_prose(text[position:match.start()]), quote=False)
        position = match.end()
        if match.group("escaped"):
            yield "$"
            continue
        tex, display = _span_source(match)
        mathml = tex_to_mathml(tex, display=display)
        yield mathml if mathml is not None else escape(match.group(0), quote=False)
    yield escape(_prose(text[position:]), quote=False)


def tex_to_mathml(tex: str, *, display: str = "inline") -> str | None:
    """One TeX expression as sanitised MathML, or None when it cannot be converted safely."""
    tex = tex.strip()
    if not tex or len(tex) > MAX_MATH_LENGTH:
        return None
    try:
        raw = convert(tex, display=display)
    except Exception as error:  # latex2mathml raises many unrelated types on bad TeX
        log.debug("math %r not converted: %s", tex, error)
        return None
    root = _parse_mathml(raw)
    if root is None:
        log.debug("math %r produced markup outside the allowlist", tex)
        return None
    return _serialise_math(root, tex, display)


def _parse_mathml(raw: str) -> ET.Element | None:
    # Declarations (DOCTYPE, entities, CDATA) never come from latex2mathml: refusing them
    # up front also rules out entity-expansion tricks before the parser sees the text.
    if "<!" in raw or "<?" in raw:
        return None
    try:
        root = ET.fromstring(raw)  # noqa: S314 - declarations refused above
    except ET.ParseError:
        return None
    for element in root.iter():
        if _local_name(element.tag) not in ALLOWED_ELEMENTS:
            return None
    return root


def _local_name(tag: str) -> str:
    namespace, _, name = tag.rpartition("}")
    if namespace and namespace != "{" + MATHML_NS:
        return ""
    return name


def _serialise_math(root: ET.Element, tex: str, display: str) -> str:
    """`<math>` with its content wrapped in `<semantics>` next to the TeX annotation."""
    children = list(root)
    body = "".join(_serialise(child) for child in children)
    if len(children) != 1:
        body = f"<mrow>{body}</mrow>"
    annotation = f'<annotation encoding="application/x-tex">{escape(tex, quote=False)}</annotation>'
    return f'<math display="{display}"><semantics>{body}{annotation}</semantics></math>'


def _serialise(element: ET.Element) -> str:
    name = _local_name(element.tag)
    attributes = "".join(
        f' {key}="{escape(value, quote=True)}"'
        for key, value in sorted(element.attrib.items())
        if key in ALLOWED_ATTRIBUTES
    )
    inner = escape(element.text or "", quote=False)
    inner += "".join(_serialise(child) + escape(child.tail or "", quote=False)
                     for child in element)
    return f"<{name}{attributes}>{inner}</{name}>"
