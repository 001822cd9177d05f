"""Property-based tests: whatever text an API entry or a copied page carries, the importers
either give a clean, valid listing that survives a YAML round trip, or a located ListingError.
Never another exception, never a half-cleaned string."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperarchive.importers.hf_api import parse_hf_json
from paperarchive.importers.page_text import parse_page_text
from paperarchive.listing_io import dump_listing, parse_listing
from paperarchive.model import ListingError, is_valid_id

ENTRY = json.loads((Path(__file__).parent / "data" / "hf" / "2026-08-20.json")
                   .read_text(encoding="utf-8"))[0]
HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "javascript:alert(1)", "{{ 7*7 }}", "{% raw %}", "\x00\x07",
    "\u202eevil", "\u200b", "\ud800", "a\nb", "../../etc/passwd", "🤖", "x" * 3000, "",
    "  ", "null", "[]", "{'a': 1}",
])
TEXT = st.one_of(st.text(max_size=200), HOSTILE)
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=6,
)
FIELDS = [("title",), ("summary",), ("paper", "id"), ("paper", "ai_summary"),
          ("paper", "ai_keywords"), ("paper", "upvotes"), ("paper", "githubRepo"),
          ("paper", "projectPage"), ("paper", "publishedAt"), ("paper", "submittedOnDailyAt"),
          ("paper", "authors"), ("organization",), ("submittedBy",), ("numComments",),
          ("thumbnail",), ("paper",)]


def assert_clean(listing) -> None:
    assert dump_listing(parse_listing(dump_listing(listing), "again.yaml")) == \
        dump_listing(listing)
    for paper in listing.papers:
        assert is_valid_id(paper.id)
        for text in (paper.title, paper.abstract, paper.ai_summary or "", *paper.authors,
                     *paper.keywords):
            assert "\x00" not in text and "\u202e" not in text
            assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
        for url in (paper.github, paper.project_page, paper.thumbnail):
            assert url is None or url.startswith(("http://", "https://"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=ANY_JSON)
def test_any_value_in_any_hf_field_is_imported_clean_or_rejected_located(field, value):
    entry = copy.deepcopy(ENTRY)
    target = entry
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    try:
        text = json.dumps([entry])
    except (UnicodeEncodeError, ValueError):
        return
    try:
        listings = parse_hf_json(text, "api.json", requested=None)
    except ListingError as exc:
        assert str(exc).startswith("api.json: ")
        assert "\n" not in str(exc)
        return
    for listing in listings:
        assert_clean(listing)


@settings(max_examples=200, deadline=None)
@given(title=TEXT, abstract=TEXT, byline=TEXT)
def test_any_copied_page_text_is_imported_clean_or_rejected_located(title, abstract, byline):
    page = f"Daily Papers\n\n{title}\n\n{abstract}\n\n  • {byline}\n·\nSep 20, 2025 3\n"
    try:
        listings = parse_page_text(page, "page.txt")
    except ListingError as exc:
        assert str(exc).startswith("page.txt: ")
        return
    for listing in listings:
        assert_clean(listing)
