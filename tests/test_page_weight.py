"""Page weight: what each paper page no longer repeats, and what it still carries.

Bytes per paper decide whether a 100,000-paper archive fits a static host, so the built pages
keep template indentation out of the output, the JSON-LD carries a short description rather
than a second copy of the abstract, and list pages carry no search attributes that only the
paper page (the one Pagefind body) can use. None of it may cost a reader or a crawler a fact.
"""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import DictLoader, Environment

from paperarchive.templating import CompactJson, DedentTemplates


def test_dedent_keeps_line_breaks_and_printed_whitespace():
    source = "<p>\n    <span>{{ a }}</span>\n\n    <span>b</span>\n</p>\n<pre>{{ code }}</pre>"
    env = Environment(extensions=[DedentTemplates], loader=DictLoader({"t.html": source}))
    html = env.get_template("t.html").render(a="x", code="@misc{k,\n  title = {T}\n}")
    assert html == ("<p>\n<span>x</span>\n<span>b</span>\n</p>\n"
                    "<pre>@misc{k,\n  title = {T}\n}</pre>")


def test_compact_json_is_still_safe_inside_a_script_element():
    env = Environment(autoescape=True, extensions=[CompactJson])
    html = env.from_string("{{ data|tojson }}").render(data={"b": "</script> & 'x'", "a": [1, 2]})
    assert html == '{"a":[1,2],"b":"\\u003c/script\\u003e \\u0026 \\u0027x\\u0027"}'
    assert json.loads(html) == {"a": [1, 2], "b": "</script> & 'x'"}


def test_paper_pages_are_not_indented_and_bibtex_is(built_site: Path):
    path = sorted(built_site.glob("papers/*/index.html"))[0]
    text = path.read_text("utf-8")
    before_pre, _, rest = text.partition("<pre")
    pre, _, after_pre = rest.partition("</pre>")
    for part in (before_pre, after_pre):
        assert not any(line.startswith((" ", "\t")) for line in part.splitlines())
    assert "\n  title = {" in pre


def test_json_ld_describes_without_repeating_the_abstract(built_site: Path, site_page):
    for path in sorted(built_site.glob("papers/*/index.html")):
        page = site_page(str(path.parent.relative_to(built_site)) + "/")
        data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
        abstract = " ".join(page.xpath("//section[@class='paper-abstract']/p//text()"))
        abstract = " ".join(abstract.split())
        assert "abstract" not in data
        assert data["name"] and "author" in data and data["datePublished"]
        if abstract:  # the opening words (math reads differently as MathML and as text)
            assert abstract.split()[:2] == data["description"].split()[:2], path
            assert len(data["description"]) <= 201


def test_only_paper_pages_carry_search_filters(built_site: Path, site_page):
    day = site_page("2026/05/29/")
    assert day.xpath("//a[@rel='tag']")
    assert day.xpath("//*[@data-pagefind-filter]") == []
