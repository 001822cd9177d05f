"""BibTeX entries: stable keys, arXiv fields, and escaping that keeps the entry parseable."""

import datetime as dt

import pytest

from paperarchive.bibtex import bibtex_entry, citation_key, escape_bibtex, escape_title
from paperarchive.model import Paper


def make_paper(**overrides) -> Paper:
    data = {
        "id": "1706.03762",
        "title": "Attention Is All You Need",
        "authors": ("Ashish Vaswani", "Noam Shazeer"),
        "abstract": "Transformers.",
        "published": dt.date(2017, 6, 12),
    }
    data.update(overrides)
    return Paper(**data)


def braces_balance(text: str) -> bool:
    depth = 0
    previous = ""
    for char in text:
        if previous != "\\":
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0:
                    return False
        previous = "" if previous == "\\" else char
    return depth == 0


def test_arxiv_paper_entry():
    entry = bibtex_entry(make_paper())
    assert entry == (
        "@misc{vaswani2017attention,\n"
        "  title = {{Attention Is All You Need}},\n"
        "  author = {Ashish Vaswani and Noam Shazeer},\n"
        "  year = {2017},\n"
        "  eprint = {1706.03762},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/1706.03762}\n"
        "}\n"
    )


def test_paper_without_arxiv_id_uses_page_url_and_listing_year():
    paper = make_paper(id="robots-that-learn", published=None, title="The Robots That Learn")
    entry = bibtex_entry(paper, day=dt.date(2025, 9, 20), url="https://example.org/papers/x/")
    assert entry.startswith("@misc{vaswani2025robots,\n")
    assert "eprint" not in entry
    assert "  url = {https://example.org/papers/x/}\n" in entry
    assert "  year = {2025},\n" in entry


def test_key_is_stable_and_ascii():
    paper = make_paper(authors=("José Ñúñez-García",), title="Über $\\alpha$-Models")
    assert citation_key(paper, 2024) == "nunezgarcia2024uber"
    assert citation_key(make_paper(authors=()), None) == "anonattention"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100% of {cases} & more_x #1", r"100\% of \{cases\} \& more\_x \#1"),
        ("~ ^", r"\textasciitilde{} \textasciicircum{}"),
        ("back\\slash", r"back\textbackslash{}slash"),
        ("costs $5", r"costs \$5"),
    ],
)
def test_specials_are_escaped(text, expected):
    assert escape_bibtex(text) == expected


def test_title_keeps_balanced_math_and_escapes_the_rest():
    assert escape_title(r"Fast $O(n^{2})$ & 50% less") == r"Fast $O(n^{2})$ \& 50\% less"
    assert escape_title(r"Bad $x}{$ math") == r"Bad \$x\}\{\$ math"


@pytest.mark.parametrize(
    "title",
    ["}{ broken", "@misc{evil, title={x}}", "\\", "$}$", "a } b { c", "$\\frac{a}{b}$ and }"],
)
def test_hostile_titles_keep_the_entry_well_formed(title):
    entry = bibtex_entry(make_paper(title=title, authors=("A and B Corp", "{Evil}")))
    assert braces_balance(entry)
    assert entry.count("@misc{") == 1
    assert "author = {{A and B Corp} and \\{Evil\\}}" in entry


def test_title_keeps_simple_text_commands():
    assert escape_title(r"With \textsc{AIEV-Instruct} & \emph{50%}") == (
        r"With \textsc{AIEV-Instruct} \& \textbackslash{}emph\{50\%\}"
    )
