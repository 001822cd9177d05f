"""Hostile text through every stage, driven by Hypothesis (strategies in `hostile.py`).

Each property states what a user relies on: invalid input is refused with a located
`ListingError` and nothing else ever raises; stored text is clean; and what reaches a page, a
feed or a BibTeX block is text, never markup, script, an unsafe URL or evaluated Jinja.
The number of examples comes from the Hypothesis profile (see `conftest.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import lxml.etree
import pytest
from archive_reader.archive_reader import PaperReader
from hostile import hostile_text, hostile_url, parse_fragment, unsafe_markup
from hypothesis import assume, given
from hypothesis import strategies as st
from pelican.readers import MarkdownReader
from pelican.settings import read_settings
from site_helpers import REPO

from paperarchive.bibtex import bibtex_entry
from paperarchive.feed_check import check_feed
from paperarchive.feeds import FeedLimits, FeedPaper, FeedSite, build_feeds
from paperarchive.importers.hf_api import parse_hf_json
from paperarchive.importers.page_text import parse_page_text
from paperarchive.listing_io import dump_listing, load_listing, parse_listing
from paperarchive.mathtext import ALLOWED_ELEMENTS, math_to_html, math_to_text
from paperarchive.model import (
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    Listing,
    ListingError,
    Paper,
    Topic,
    clean_line,
    clean_paragraphs,
    safe_url,
)
from paperarchive.render import render_paper

DAY = dt.date(2026, 5, 29)
ATOM = "{http://www.w3.org/2005/Atom}"
# What clean text never contains: C0/C1 controls but tab and newline, surrogates, the
# non-characters XML forbids and the bidi embedding/override/isolate controls.
DIRTY_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                      "\u202a-\u202e\u2066-\u2069]")


def raw_paper(title, abstract, authors, keywords, fullname, summary, url) -> dict:
    return {
        "id": "2605.29801", "title": title, "authors": authors, "abstract": abstract,
        "ai_summary": summary, "keywords": keywords, "upvotes": 3, "comments": 1,
        "organization": {"name": "some-org", "fullname": fullname},
        "github": url, "project_page": url, "thumbnail": url, "submitter": fullname,
    }


raw_papers = st.builds(
    raw_paper,
    title=hostile_text(), abstract=hostile_text(),
    authors=st.lists(hostile_text(max_pieces=3), max_size=4),
    keywords=st.lists(hostile_text(max_pieces=2), max_size=4),
    fullname=hostile_text(max_pieces=3), summary=hostile_text(max_pieces=3), url=hostile_url(),
)

# Papers a correct validator must accept but for an empty title: every text as long as the
# model allows (a title of 2,000 characters, names of 1,000, a 10,000-character abstract).
valid_raw_papers = st.builds(
    raw_paper,
    title=hostile_text(long=MAX_TEXT_LENGTH["title"]), abstract=hostile_text(),
    authors=st.lists(hostile_text(max_pieces=3, long=MAX_NAME_LENGTH), max_size=4),
    keywords=st.lists(hostile_text(max_pieces=2, long=MAX_NAME_LENGTH), max_size=4),
    fullname=hostile_text(max_pieces=3, long=MAX_NAME_LENGTH),
    summary=hostile_text(max_pieces=3), url=hostile_url(),
)


def expected_problem(raw: dict) -> str | None:
    """The field a correct validator must refuse in `raw`, or None if the paper is valid."""
    title = clean_line(raw["title"])
    if not title or len(title) > MAX_TEXT_LENGTH["title"]:
        return "title"
    for name in ("authors", "keywords"):
        for index, item in enumerate(raw[name], 1):
            if len(clean_line(item)) > MAX_NAME_LENGTH:
                return f"{name}[{index}]"
    if len(clean_line(raw["organization"]["fullname"])) > MAX_NAME_LENGTH:
        return "organization.fullname"  # also the submitter's name, which is checked later
    return None


def valid_papers(raw: dict) -> Paper:
    """The paper, or `assume` it away when it is invalid (tested separately below)."""
    assume(expected_problem(raw) is None)
    return Paper.from_mapping(raw)


def text_fields(paper: Paper) -> list[str]:
    values = [paper.title, paper.abstract, paper.ai_summary or "", paper.submitter or "",
              *paper.authors, *paper.keywords]
    if paper.organization:
        values.append(paper.organization.fullname)
    return values


# --- The model and the importers ---------------------------------------------------------------

@given(raw_papers)
def test_a_hostile_paper_is_stored_clean_or_refused_with_a_located_error(raw):
    problem = expected_problem(raw)
    try:
        paper = Paper.from_mapping(raw, position=1)
    except ListingError as exc:
        assert problem is not None, f"refused a valid paper: {exc}"
        assert exc.paper == "2605.29801 (#1)"
        assert exc.field == problem
        return
    assert problem is None, f"accepted a paper whose {problem} is invalid"
    for value in text_fields(paper):
        assert not DIRTY_RE.search(value)
        assert value == value.strip()
    assert paper.title == clean_line(raw["title"])
    assert paper.abstract == clean_paragraphs(raw["abstract"])
    for url in (paper.github, paper.project_page, paper.thumbnail):
        assert url is None or re.match(r"https?://[^\s]", url)


@given(valid_raw_papers)
def test_listing_yaml_round_trips_hostile_text(raw):
    listing = Listing(date=DAY, papers=(valid_papers(raw),))
    text = dump_listing(listing)
    text.encode("utf-8")  # writable as UTF-8: no surrogate survived
    assert parse_listing(text, "x.yaml") == listing


@given(hostile_text())
def test_hostile_yaml_files_never_crash_the_loader(tmp_path_factory, text):
    # Written as bytes: a lone surrogate becomes invalid UTF-8, as it would in a real file.
    path = tmp_path_factory.mktemp("yaml") / "2026-05-29.yaml"
    path.write_bytes(("date: 2026-05-29\n" + text).encode("utf-8", "surrogatepass"))
    try:
        load_listing(path)
    except ListingError as exc:
        assert exc.source == str(path)


def hf_entry(raw: dict) -> dict:
    return {
        "title": raw["title"], "summary": raw["abstract"], "numComments": 1,
        "organization": raw["organization"], "thumbnail": raw["thumbnail"],
        "submittedBy": {"name": raw["submitter"]},
        "paper": {
            "id": raw["id"], "authors": [{"name": name} for name in raw["authors"]],
            "ai_summary": raw["ai_summary"], "ai_keywords": raw["keywords"],
            "upvotes": raw["upvotes"], "githubRepo": raw["github"],
            "projectPage": raw["project_page"],
            "submittedOnDailyAt": "2026-05-29T00:00:00.000Z",
        },
    }


@given(raw_papers)
def test_hf_json_with_hostile_fields_imports_clean_or_fails_located(raw):
    # ensure_ascii keeps lone surrogates as \\ud800 escapes, as a hostile API response could.
    text = json.dumps([hf_entry(raw)])
    try:
        listings = parse_hf_json(text, "2026-05-29.json", requested=None)
    except ListingError as exc:
        # The API importer also refuses a blank summary: an entry with no abstract is damaged.
        assert expected_problem(raw) is not None or not raw["abstract"].strip(), str(exc)
        assert exc.source == "2026-05-29.json" and exc.paper == "2605.29801 (#1)" and exc.field
        return
    [listing] = listings
    assert listing.papers == (Paper.from_mapping(raw),)


@given(hostile_text(), hostile_text(max_pieces=3))
def test_json_garbage_never_crashes_the_hf_importer(prefix, text):
    try:
        parse_hf_json(prefix[:1] + text, "2026-05-29.json", requested=DAY)
    except ListingError as exc:
        assert exc.source == "2026-05-29.json"


@given(hostile_text(), hostile_text(), hostile_text(max_pieces=2))
def test_a_copied_page_with_hostile_lines_imports_clean_or_fails_located(title, abstract, org):
    page = f"{title}\n{abstract}\n{org or 'x'} Org Name\n·\nMay 29, 2026 12\n"
    try:
        listings = parse_page_text(page, "page.txt")
    except ListingError as exc:
        assert exc.source == "page.txt"
        return
    for listing in listings:
        for paper in listing.papers:
            assert not any(DIRTY_RE.search(value) for value in text_fields(paper))


# --- Rendering: Markdown, MathML, BibTeX, feeds -----------------------------------------------

@pytest.fixture(scope="module")
def readers():
    """Both readers a build may use for `.md` files, with the repository's settings: the
    `archive_reader` fast path (what the site uses) and Pelican's Python-Markdown reader."""
    settings = read_settings(str(REPO / "pelicanconf.py"))
    return PaperReader(settings), MarkdownReader(settings)


@given(valid_raw_papers)
def test_rendered_markdown_reads_back_as_the_same_text(readers, tmp_path_factory, raw):
    paper = valid_papers(raw)
    path = tmp_path_factory.mktemp("md") / f"{paper.id}.md"
    path.write_text(render_paper(paper, DAY, (Topic("t", "{{ 7*7 }} <b>x</b>"),)),
                    encoding="utf-8")
    fast, markdown = (reader.read(str(path)) for reader in readers)
    assert fast == markdown
    content, metadata = fast
    assert metadata["title"] == paper.title
    assert metadata["paper-id"] == paper.id
    root = parse_fragment(content)
    assert unsafe_markup(root) == []
    assert {node.tag for node in root.iter() if isinstance(node.tag, str)} <= {"div", "p"}
    paragraphs = [p.text_content() for p in root.iter("p")]
    assert paragraphs == ([] if not paper.abstract else paper.abstract.split("\n\n"))


@given(hostile_text())
def test_math_html_is_escaped_text_and_allowlisted_mathml(text):
    text = clean_line(text)
    html = math_to_html(text)
    root = parse_fragment(str(html))
    assert unsafe_markup(root) == []
    tags = {node.tag.split("}")[-1] for node in root.iter() if isinstance(node.tag, str)}
    assert tags <= ALLOWED_ELEMENTS | {"div"}
    for node in root.iter():
        assert not any(name.lower() in ("href", "src", "style") for name in node.attrib)
    if "<" not in html:  # no math at all: exactly the text
        assert root.text_content() == text
    assert "<" not in math_to_text(text) or "<" in text


@given(valid_raw_papers, hostile_url())
def test_bibtex_entry_keeps_braces_balanced(raw, url):
    paper = valid_papers(raw)
    entry = bibtex_entry(paper, day=DAY, url=url)
    assert entry.startswith("@misc{") and entry.endswith("}\n")
    depth = 0
    escaped = False
    for char in entry:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "{}":
            depth += 1 if char == "{" else -1
            assert depth >= 0, entry
    assert depth == 0, entry


@given(st.lists(valid_raw_papers, min_size=1, max_size=3))
def test_feeds_with_hostile_papers_are_valid_and_carry_text_only(raws):
    papers = []
    for number, raw in enumerate(raws):
        assume(expected_problem(raw) is None)
        paper = Paper.from_mapping({**raw, "id": f"2605.{29801 + number}"})
        papers.append(FeedPaper(paper=paper, listing_day=DAY,
                                topics=(Topic("llm", "<b>LLM</b> {{ 7*7 }}"),),
                                url=f"https://site.test/papers/{paper.id}/"))
    site = FeedSite(name="Archive", url="https://site.test/")
    # Every organisation gets a feed: its hostile name reaches a feed title.
    feeds = build_feeds(papers, site, limits=FeedLimits(org_min_papers=1))
    assert feeds
    titles = {item.paper.title for item in papers}
    for feed in feeds:
        url = site.absolute(feed.path)
        assert check_feed(feed.data, url) == [], feed.path
        root = lxml.etree.fromstring(feed.data)
        for element in root.iter():
            name = lxml.etree.QName(element).localname
            parent = element.getparent()
            is_item_html = name in ("encoded", "content") or (
                name == "description" and parent is not None and parent.tag == "item")
            if not is_item_html:
                continue
            # The item HTML, unescaped once by the XML parser, as a feed reader shows it.
            assert unsafe_markup(parse_fragment(element.text or "")) == [], feed.path
        if "daily" not in feed.path and "weekly" not in feed.path:  # digests: their own titles
            item_titles = [t.text for t in root.iter("title", ATOM + "title")][1:]
            assert set(item_titles) <= titles, feed.path



@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x",
    "//evil.test/x", "/relative", "http://", "http://[broken", "http://[not-an-ip]/",
    "https://host:99999/", "http://host/a b", "ftp://host/x",
])
def test_unsafe_or_broken_urls_are_dropped_not_raised(url):
    assert safe_url(url) is None


@given(hostile_url())
def test_a_kept_url_is_absolute_http_with_a_host(url):
    kept = safe_url(url)
    assert kept is None or re.match(r"https?://[^\s/]", kept, re.IGNORECASE)
