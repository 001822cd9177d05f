"""Page weight: what each paper page no longer repeats, and what it still carries.

Bytes per paper decide whether a 100,000-paper archive fits a static host, so the built pages
keep template indentation out of the output; a paper page's head gives the abstract's opening
once, as the meta description (link previews read it where og:description is missing), with
no feed links (listing pages have them) and JSON-LD without a description; the controls that
need JavaScript (theme toggle, copy buttons) are added by site.js, the toggle's icon drawn by
CSS; related papers are linked as siblings; list pages carry no search attributes that only
the paper page (the one Pagefind body) can use; and what search leaves out of a paper page is
named by exclude selectors, not attributes. None of it may cost a reader or a crawler a fact.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from jinja2 import DictLoader, Environment

from paperarchive.templating import CompactJson, DedentTemplates


def test_dedent_keeps_visible_line_breaks_and_printed_whitespace():
    source = ("<p>\n    <span>{{ a }}</span>\n\n    <span>b</span>\n</p>\n{% if a %}\n"
              "<pre>{{ code }}</pre>\n{% endif %}\n<label>c</label>\n<input>\n<p>{{ a }}\n</p>")
    env = Environment(extensions=[DedentTemplates], loader=DictLoader({"t.html": source}),
                      trim_blocks=True)
    html = env.get_template("t.html").render(a="x", code="@misc{k,\n  title = {T}\n}")
    # Line breaks between inline elements (a space on screen) and in printed values stay;
    # the ones before a block-level tag, which no browser renders, go.
    assert html == ("<p>\n<span>x</span>\n<span>b</span></p>"
                    "<pre>@misc{k,\n  title = {T}\n}</pre>\n<label>c</label>\n<input><p>x\n</p>")


def test_compact_json_is_still_safe_inside_a_script_element():
    env = Environment(autoescape=True, extensions=[CompactJson])
    data = {"b": "</script> & 'x'", "a": [1, 2], "c": "Tomás Łukasz 王"}
    html = env.from_string("{{ data|tojson }}").render(data=data)
    assert html == ('{"a":[1,2],"b":"\\u003c/script\\u003e \\u0026 \\u0027x\\u0027",'
                    '"c":"Tomás Łukasz 王"}')
    assert json.loads(html) == data


def test_paper_pages_are_not_indented_and_bibtex_is(built_site: Path):
    path = sorted(built_site.glob("papers/*/index.html"))[0]
    text = path.read_text("utf-8")
    before_pre, _, rest = text.partition("<pre")
    pre, _, after_pre = rest.partition("</pre>")
    for part in (before_pre, after_pre):
        assert not any(line.startswith((" ", "\t")) for line in part.splitlines())
    assert "\n  title = {" in pre


def test_paper_head_says_each_thing_once(built_site: Path, site_page):
    for path in sorted(built_site.glob("papers/*/index.html")):
        page = site_page(str(path.parent.relative_to(built_site)) + "/")
        data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
        abstract = " ".join(page.xpath("//section[@class='paper-abstract']/p//text()"))
        abstract = " ".join(abstract.split())
        # JSON-LD: what the other tags cannot say, no second copy of the abstract or summary.
        assert "abstract" not in data and "description" not in data
        assert data["headline"] and "author" in data and data["datePublished"]
        [description] = page.xpath("//meta[@name='description']/@content")
        assert page.xpath("//meta[@property='og:description']") == []
        assert len(description) <= 161
        if abstract:  # the opening words (math reads differently as MathML and as text)
            assert abstract.split()[:2] == description.split()[:2], path
        # X reads og:image; only the card type is its own tag.
        assert page.xpath("//meta[starts-with(@name, 'twitter:')]/@name") == ["twitter:card"]
        # og:site_name names the site; og:title is the paper's title alone.
        [og_title] = page.xpath("//meta[@property='og:title']/@content")
        assert page.xpath("string(//title)") == f"{og_title} · Daily Papers Archive"


def test_feeds_are_linked_from_listing_pages_not_from_every_paper(built_site: Path, site_page):
    assert sorted(built_site.glob("papers/*/index.html"))
    for path in sorted(built_site.glob("papers/*/index.html")):
        page = site_page(str(path.parent.relative_to(built_site)) + "/")
        assert page.xpath("//link[@rel='alternate']") == [], path
    for url in ("", "2026/05/29/"):
        feeds = site_page(url).xpath("//link[@rel='alternate']/@href")
        assert any(href.endswith("feeds/papers.atom.xml") for href in feeds), url
        assert any(href.endswith("feeds/daily.rss.xml") for href in feeds), url
    topic = sorted((built_site / "tags").glob("*/index.html"))[0].parent.name
    feeds = site_page(f"tags/{topic}/").xpath("//link[@rel='alternate']/@href")
    assert any(href.endswith(f"feeds/tags/{topic}.atom.xml") for href in feeds)


def test_theme_toggle_icon_comes_from_the_stylesheet(built_site: Path):
    css = (built_site / "theme/css/main.css").read_text("utf-8")
    js = (built_site / "theme/js/site.js").read_text("utf-8")
    assert ".theme-toggle::before" in css and "<svg" not in js
    assert 'className = "theme-toggle"' in js


def test_related_papers_are_linked_as_siblings(built_site: Path, site_page):
    seen = 0
    for path in sorted(built_site.glob("papers/*/index.html")):
        page = site_page(str(path.parent.relative_to(built_site)) + "/")
        for href in page.xpath("//div[@class='related']//li/a/@href"):
            assert href.startswith("../") and href.count("/") == 2, (path, href)
            assert (path.parent / href / "index.html").is_file(), (path, href)
            seen += 1
    assert seen


def test_only_paper_pages_carry_search_filters(built_site: Path, site_page):
    day = site_page("2026/05/29/")
    assert day.xpath("//a[@rel='tag']")
    assert day.xpath("//*[@data-pagefind-filter]") == []


def texts(page, xpath: str) -> list[str]:
    """The text nodes `xpath` selects in `page`, whitespace collapsed, empty ones left out."""
    return [" ".join(text.split()) for text in page.xpath(xpath) if text.strip()]


def test_search_indexes_a_papers_text_not_its_labels_dates_or_lists(built_site: Path, site_page):
    """The paper page marks none of this data-pagefind-ignore: PAGEFIND_INDEX's exclude
    selectors keep labels, dates, counts, BibTeX and related lists out of the index, while
    the filters and metadata inside them still reach it."""
    fragments = {}
    for path in built_site.glob("pagefind/fragment/*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        fragments[fragment["url"].strip("/")] = fragment
    papers = sorted(p.parent.name for p in built_site.glob("papers/*/index.html"))
    assert sorted(url.removeprefix("papers/") for url in fragments) == papers
    for slug in papers:
        page = site_page(f"papers/{slug}/")
        fragment = fragments[f"papers/{slug}"]
        content = fragment["content"]
        # The paper's own words are searchable...
        for text in (texts(page, "//h1//text()")[:1] + texts(page, "//ul[@class='keyword-list']"
                                                            "/li/text()")
                     + texts(page, "//div[dt='Organisation' or dt='arXiv id']/dd//text()")):
            assert text in content, (slug, text)
        # ...its labels, dates, BibTeX and the other papers' titles are not.
        for text in (texts(page, "//dt/text()") + texts(page, "//h2/text()")
                     + texts(page, "//time/text()") + ["@misc{"]
                     + texts(page, "//div[@class='related']//li/a/text()")):
            assert text not in content, (slug, text)
        listed = page.xpath("//dd[@data-pagefind-meta]//time/@datetime")[0]
        assert fragment["meta"]["day"] == listed and fragment["filters"]["year"] == [listed[:4]]
        upvotes = page.xpath("//dd[starts-with(@data-pagefind-meta, 'upvotes:')]/text()")
        assert [fragment["meta"].get("upvotes")] == (upvotes or [None])
