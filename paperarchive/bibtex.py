"""BibTeX entries for papers, as shown (and copied) on each paper page.

Owns the text of one entry: a stable citation key, `@misc` with arXiv's `eprint` fields when
the paper has an arXiv id (the form arXiv itself exports), and escaping so that braces,
percent signs and other TeX specials in titles and names cannot break the entry. Math spans
(``$...$``) in titles are kept as TeX when their braces balance, since BibTeX passes them to
LaTeX as they are.

It leaves display to the templates; it never reads files or the network.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from paperarchive.model import Paper

# TeX specials outside math and their escaped forms.
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIALS_RE = re.compile("|".join(re.escape(char) for char in _SPECIALS))
# Kept as written in titles: `$...$` math and simple text commands such as \textsc{Name}.
_KEEP_RE = re.compile(
    r"(?<![\\$])\$(?P<math>[^\s$](?:[^$]*?[^\s\\$])?)\$(?![0-9$])"
    r"|\\(?:textsc|textbf|textit|texttt|textrm|textsf|emph)\{(?P<text>[^{}\\$%#&~^_]*)\}"
)
# Words that make a poor key: "a-survey-of..." should key on "survey".
_STOP_WORDS = frozenset({"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "is"})


def escape_bibtex(text: str) -> str:
    """`text` with every TeX special escaped; the result is plain text to BibTeX."""
    return _SPECIALS_RE.sub(lambda match: _SPECIALS[match.group(0)], text)


def escape_title(text: str) -> str:
    """A title: prose escaped; `$...$` math (when its braces balance) and simple text
    commands like ``\\textsc{Name}`` kept as TeX."""
    parts = []
    position = 0
    for match in _KEEP_RE.finditer(text):
        if match.group("math") is not None and not _balanced(match.group("math")):
            continue
        parts.append(escape_bibtex(text[position:match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(escape_bibtex(text[position:]))
    return "".join(parts)


def _balanced(tex: str) -> bool:
    depth = 0
    escaped = False
    for char in tex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not escaped


def _ascii_words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_text.lower())


def citation_key(paper: Paper, year: int | None) -> str:
    """A stable key like ``vaswani2017attention``: first author's surname, year, title word.

    Depends only on the paper's fields, so it never changes between builds.
    """
    surname = ""
    if paper.authors and paper.authors[0].split():
        surname = "".join(_ascii_words(paper.authors[0].split()[-1]))
    title_words = [w for w in _ascii_words(paper.title) if w not in _STOP_WORDS]
    word = title_words[0] if title_words else ""
    return f"{surname or 'anon'}{year if year is not None else ''}{word}"


def _author_field(names: tuple[str, ...]) -> str:
    """Authors joined by `and`; a name containing the word "and" is braced as one unit."""
    escaped = []
    for name in names:
        text = escape_bibtex(name)
        if re.search(r"(?i)(^|\s)and(\s|$)", name):
            text = "{" + text + "}"
        escaped.append(text)
    return " and ".join(escaped)


def escape_url(url: str) -> str:
    """A URL safe inside a braced field: braces percent-encoded, nothing else touched."""
    return url.replace("{", "%7B").replace("}", "%7D")


def bibtex_entry(paper: Paper, *, day: dt.date | None = None, url: str | None = None) -> str:
    """The BibTeX entry for `paper`, ending with a newline.

    The year is the arXiv publication year, else the year of `day` (the listing day). `url`
    (usually the paper's page here) is used for papers without an arXiv id.
    """
    year = paper.published.year if paper.published else (day.year if day else None)
    # Double braces keep the title's capitalisation whatever the bibliography style does.
    fields: list[tuple[str, str]] = [("title", "{" + escape_title(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", _author_field(paper.authors)))
    if year is not None:
        fields.append(("year", str(year)))
    if paper.arxiv_url:
        fields += [("eprint", paper.id), ("archivePrefix", "arXiv"), ("url", paper.arxiv_url)]
    elif url or paper.project_page:
        fields.append(("url", escape_url(url or paper.project_page or "")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation_key(paper, year)},\n{body}\n}}\n"
