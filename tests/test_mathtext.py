"""Math in titles and abstracts: MathML where possible, escaped source otherwise, never markup."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from paperarchive.mathtext import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_ELEMENTS,
    has_math,
    math_to_html,
    math_to_text,
    tex_to_mathml,
)


def parse_fragment(markup: str):
    return lxml_html.fragment_fromstring(f"<div>{markup}</div>")


def tags_and_attributes(markup: str) -> tuple[set[str], set[str]]:
    root = parse_fragment(markup)
    tags = {el.tag for el in root.iter() if isinstance(el.tag, str)} - {"div"}
    attributes = {name for el in root.iter() for name in el.attrib}
    return tags, attributes


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("Scaling $O(n^2)$ attention", "inline"),
        (r"Scaling \(O(n^2)\) attention", "inline"),
        ("Bounds: $$\\sum_{i=1}^n x_i$$ hold", "block"),
        (r"Bounds: \[x^2\] hold", "block"),
    ],
)
def test_math_spans_become_mathml(text, display):
    html = math_to_html(text)
    root = parse_fragment(html)
    maths = root.findall(".//math")
    assert len(maths) == 1
    assert maths[0].get("display") == display
    assert html.startswith(("Scaling ", "Bounds: "))
    assert "$" not in html and "\\(" not in html


def test_mathml_keeps_tex_source_and_symbols_as_text():
    html = math_to_html(r"Over $\mathbb{R}^n$ spaces")
    root = parse_fragment(html)
    annotation = root.find(".//annotation")
    assert annotation is not None and annotation.text == r"\mathbb{R}^n"
    assert annotation.get("encoding") == "application/x-tex"
    assert "ℝ" in root.text_content()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Costs $5 and $10 per query", "Costs $5 and $10 per query"),
        ("A $ sign alone", "A $ sign alone"),
        ("Trailing space $x $ is not math", "Trailing space $x $ is not math"),
        (r"Escaped \$x\$ stays text", "Escaped $x$ stays text"),
        ("No math at all", "No math at all"),
    ],
)
def test_dollar_signs_that_are_not_math_stay_text(text, expected):
    assert math_to_html(text) == expected


def test_escaped_dollar_is_a_literal_dollar():
    assert math_to_html(r"Costs \$5") == "Costs $5"
    assert math_to_text(r"Costs \$5") == "Costs $5"


def test_prose_is_escaped():
    html = math_to_html('<img src=x onerror="alert(1)"> & $x<y$')
    tags, attributes = tags_and_attributes(html)
    assert "img" not in tags
    assert "onerror" not in attributes
    assert html.startswith("&lt;img src=x onerror=\"alert(1)\"&gt; &amp; <math")


@pytest.mark.parametrize(
    "tex",
    [
        r"\text{<script>alert(1)</script>}",
        r"\text{<img src=x onerror=alert(1)>}",
        r"\href{javascript:alert(1)}{x}",
        r"\style{color:red}{x}",
        r"\color{red}{x}",
        r'\text{"><svg onload=alert(1)>}',
        r"\text{a & b}",
        r"\operatorname{</math><script>x</script>}",
        r"\text{<!DOCTYPE x [<!ENTITY a 'b'>]>}",
    ],
)
def test_hostile_tex_cannot_inject_markup(tex):
    html = math_to_html(f"Title ${tex}$ end")
    tags, attributes = tags_and_attributes(html)
    assert "script" not in tags and "img" not in tags and "svg" not in tags
    assert tags <= ALLOWED_ELEMENTS
    assert attributes <= ALLOWED_ATTRIBUTES
    assert "href" not in attributes and "style" not in attributes
    assert "javascript:" not in " ".join(
        v for el in parse_fragment(html).iter() for v in el.attrib.values()
    )


def test_unconvertible_math_falls_back_to_escaped_source():
    html = math_to_html("Broken $x_{$ math & more")
    assert "<math" not in html
    assert html == "Broken $x_{$ math &amp; more"


def test_math_text_form_drops_delimiters_only():
    assert math_to_text(r"Scaling $O(n^2)$ and \(x\)") == "Scaling O(n^2) and x"
    assert math_to_text(None) == ""
    assert math_to_html(None) == ""


def test_has_math():
    assert has_math("a $x$ b")
    assert not has_math(r"a \$ b")
    assert not has_math("costs $5 and $10")


def test_output_is_deterministic():
    text = r"Fast $\frac{a}{b} \leq \sqrt{x}$ and \(\alpha\)"
    assert math_to_html(text) == math_to_html(text)


def test_tex_to_mathml_rejects_empty_and_oversized():
    assert tex_to_mathml("   ") is None
    assert tex_to_mathml("x" * 5000) is None


_tex_pieces = st.sampled_from(
    [
        *"x^_{}[]()&<>\"'$ ab1\\",
        r"\frac", r"\text", r"\left", r"\right", r"\begin{matrix}", r"\end{matrix}", r"\sqrt",
        r"\\", r"\mathrm", r"\href", r"\style", r"\color", "<script>", "</math>", "onload=",
        "&amp;", "<!--", "]]>",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_tex_pieces, max_size=14).map("".join))
def test_any_input_gives_only_allowlisted_markup(body):
    html = math_to_html(f"pre ${body}$ mid \\({body}\\) post")
    tags, attributes = tags_and_attributes(html)
    assert tags <= ALLOWED_ELEMENTS
    assert attributes <= ALLOWED_ATTRIBUTES
    # Every `<` in the output opens or closes an allowlisted element.
    for name in re.findall(r"</?([a-zA-Z0-9]+)", html):
        assert name in ALLOWED_ELEMENTS


def test_tex_text_commands_in_prose_show_their_argument():
    text = r"AutoCoder with \textsc{AIEV-Instruct} and \emph{<b>x</b>} in $\textbf{x}$"
    html = math_to_html(text)
    assert html.startswith("AutoCoder with AIEV-Instruct and &lt;b&gt;x&lt;/b&gt; in <math")
    assert math_to_text(text) == r"AutoCoder with AIEV-Instruct and <b>x</b> in \textbf{x}"
