"""Search a reader can trust, in a real browser, on a small archive built for it in the test.

Each paper of the archive sets a trap that plain Pagefind falls into: a title with TeX, a short
title inside a longer one, an author whose two names appear separately on another paper (more
often), numbers in an abstract that start like an absent arXiv id. The tests search as a reader
would and check what the page shows: the first result, the status line, the links.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
import yaml
from site_helpers import build_site

from paperarchive.preview import SEARCH_SETTLED, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


ACME = {"name": "acme-ai", "fullname": "Acme AI"}
ABSTRACT = ("We study {topic}. Our method improves results on three benchmarks and we release "
            "code. {extra}")


def paper(pid, title, authors, topic, upvotes, extra="", organization=None):
    entry = {"id": pid, "title": title, "authors": authors,
             "abstract": ABSTRACT.format(topic=topic, extra=extra),
             "published": "2026-08-01", "upvotes": upvotes}
    if organization:
        entry["organization"] = organization
    return entry


DAYS = {
    "2026-08-10": [
        paper("2608.10001", r"RL$^2$-VLA: Adaptive $\alpha$-Steering for Vision-Language-Action "
              "Models", ["Mei Tanaka", "Omar Haddad"], "robot control with a diffusion policy",
              12),
        paper("2608.10002", "Diffusion Transformers", ["Lena Ortiz"],
              "diffusion transformers for images", 3),
        paper("2608.10003", "Scalable Diffusion Transformers for Video Generation at Scale",
              ["Paul Meyer", "Ana Silva"], "diffusion transformers, diffusion transformers and "
              "more diffusion transformers for video", 40, organization=ACME),
        paper("2608.10004", "Sparse Attention for Long Documents",
              ["Ting Wu", "Ting Zhao", "Hao Cao", "Cao Yu"], "sparse attention", 25,
              extra="Ting and Cao wrote the kernels; Cao tuned them."),
        paper("2608.10005", "Memory Layers for Small Models", ["Ting Cao", "Jun Li"],
              "memory layers", 7, organization=ACME),
        paper("2608.10006", "Counting Tokens at Scale", ["Ravi Patel"], "token counting", 5,
              extra="We count 2608 samples, 26089 tokens and 2401 images."),
        paper("2608.10007", "N_0-TWAM: Scaling Tactile World-Action Models", ["Kai Wen"],
              "tactile world models", 4),
    ],
    "2025-12-01": [
        paper("2512.20001", "Diffusion Models for Video Editing", ["Iris Novak"],
              "video diffusion models", 90),
        paper("2512.20002", "Video Diffusion with Agents", ["Omar Haddad"],
              "agents that plan video diffusion", 2),
    ],
}


@pytest.fixture(scope="module")
def search_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("trust")
    for day, papers in DAYS.items():
        path = root / "listings" / day[:4] / f"{day}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump({"date": day, "papers": papers}, sort_keys=False,
                                       allow_unicode=True), encoding="utf-8")
    output = build_site(root / "listings", root / "work")
    with serve(output) as url:
        yield url


def search(page, url, query="", **params):
    parts = [f"q={quote_plus(query)}"] + [f"{k}={quote_plus(v)}" for k, v in params.items()]
    page.goto(f"{url}/search/?{'&'.join(parts)}")
    page.wait_for_function(SEARCH_SETTLED)


def result_ids(page):
    hrefs = page.locator(".search-result a[data-result-link]").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    return [re.search(r"/papers/([^/]+)/", href).group(1) for href in hrefs]


def status(page):
    return page.locator("[data-search-status]").inner_text()


@pytest.mark.parametrize(("query", "expected"), [
    (r"RL$^2$-VLA: Adaptive $\alpha$-Steering for Vision-Language-Action Models", "2608.10001"),
    (r"RL^2-VLA: Adaptive \alpha-Steering for Vision-Language-Action Models", "2608.10001"),
    ("RL^2-VLA", "2608.10001"),
    ("N_0-TWAM: Scaling Tactile World-Action Models", "2608.10007"),
])
def test_a_title_with_tex_finds_its_paper_first(page, search_url, query, expected):
    search(page, search_url, query)
    assert result_ids(page)[:1] == [expected]


def test_an_exact_title_comes_before_a_longer_title_holding_it(page, search_url):
    search(page, search_url, "Diffusion Transformers")
    ids = result_ids(page)
    assert ids[0] == "2608.10002"
    assert "2608.10003" in ids  # still found, after it


def test_a_full_author_name_finds_their_paper_first(page, search_url):
    # 2608.10004 has "Ting" and "Cao" more often, in other authors' names.
    search(page, search_url, "Ting Cao")
    assert result_ids(page)[0] == "2608.10005"


@pytest.mark.parametrize("query", [
    "2608.10005", "arXiv:2608.10005v3", "https://arxiv.org/abs/2608.10005",
    "https://arxiv.org/pdf/2608.10005v1", "https://huggingface.co/papers/2608.10005",
])
def test_an_id_or_a_link_shows_its_paper(page, search_url, query):
    search(page, search_url, query)
    assert result_ids(page) == ["2608.10005"]
    assert status(page) == "arXiv 2608.10005 is in the archive."


@pytest.mark.parametrize("query", ["2608.99999", "2401.00001", "arXiv:2608.99999"])
def test_an_absent_id_says_so_and_links_to_arxiv(page, search_url, query):
    # Plain Pagefind matches "26089" (or "2401") in 2608.10006's abstract here.
    search(page, search_url, query)
    assert result_ids(page) == []
    assert "is not in this archive" in status(page)
    absent = re.search(r"\d{4}\.\d{5}", query).group(0)
    link = page.locator("[data-search-status] a")
    assert link.get_attribute("href") == f"https://arxiv.org/abs/{absent}"


@pytest.mark.parametrize("query", ["zzqxv", "diffusion zzqxv", "26089999", "?!"])
def test_a_query_with_a_word_matching_nothing_finds_nothing_and_offers_a_way_on(
        page, search_url, query):
    search(page, search_url, query)
    assert result_ids(page) == []
    assert status(page) == f"No papers match “{query}”."
    way_on = page.locator("[data-search-way-on]")
    assert way_on.is_visible()
    hrefs = way_on.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert [urlsplit(href).path for href in hrefs] == ["/tags/", "/archive/"]


@pytest.mark.parametrize(("typo", "word"), [("difusion", "diffusion"),
                                            ("transfomers", "transformers")])
def test_a_one_letter_typo_leads_to_the_words_papers(page, search_url, typo, word):
    search(page, search_url, typo)
    assert status(page).startswith(f"No papers match “{typo}”. Showing")
    link = page.locator("[data-search-status] a")
    assert parse_qs(urlsplit(link.get_attribute("href")).query)["q"] == [word]
    holding = {pid for papers in DAYS.values() for p in papers
               if word in f"{p['title']} {p['abstract']}".lower() for pid in [p["id"]]}
    assert set(result_ids(page)) == holding
    assert page.locator("[data-search-way-on]").is_hidden()


def test_a_filter_with_a_sort_keeps_both_in_the_url(page, search_url):
    search(page, search_url, "diffusion", sort="upvotes", year="2026")
    ids = result_ids(page)
    assert ids == ["2608.10003", "2608.10001", "2608.10002"]  # 40, 12, 3 upvotes; 2026 only
    assert page.locator("#search-year").input_value() == "2026"
    assert page.locator("#search-sort").input_value() == "upvotes"
    assert parse_qs(urlsplit(page.url).query) == {"q": ["diffusion"], "year": ["2026"],
                                                  "sort": ["upvotes"]}
    page.locator("#search-sort").select_option("date")
    page.wait_for_function("new URLSearchParams(location.search).get('sort') === 'date'")
    page.wait_for_function(SEARCH_SETTLED)
    assert sorted(result_ids(page)) == sorted(ids)


def test_filters_alone_list_their_papers_most_upvoted_first(page, search_url):
    search(page, search_url, "", year="2025")
    assert result_ids(page) == ["2512.20001", "2512.20002"]
    assert status(page) == "2 papers in this selection."


def test_a_result_shows_authors_organisation_day_upvotes_and_the_abstract(page, search_url):
    search(page, search_url, "Ting Cao")
    first = page.locator(".search-result").first
    assert first.locator("[data-result-authors]").inner_text() == "Ting Cao, Jun Li"
    assert "Acme AI" in first.locator(".search-result-meta").inner_text()
    assert first.locator("time").get_attribute("datetime") == "2026-08-10"
    assert "7 upvotes" in first.inner_text()
    excerpt = first.locator("[data-result-excerpt]").inner_text()
    assert excerpt.startswith("We study memory layers.")
    assert "Memory Layers for Small Models" not in excerpt and "Jun Li" not in excerpt
    # Four authors or more: the first three and "et al.".
    second = page.locator(".search-result").nth(1)
    assert second.locator("[data-result-authors]").inner_text() == \
        "Ting Wu, Ting Zhao, Hao Cao et al."


def test_the_excerpt_marks_the_matched_words_of_the_abstract(page, search_url):
    search(page, search_url, "kernels")
    marks = page.locator(".search-result").first.locator("[data-result-excerpt] mark")
    assert marks.all_inner_texts() == ["kernels;"]


def test_the_search_page_has_one_search_box(page, search_url):
    search(page, search_url, "diffusion")
    assert page.locator("input[type=search]:visible").count() == 1
    page.goto(f"{search_url}/")
    assert page.locator("header input[type=search]").count() == 1


def test_an_index_that_cannot_load_says_so(page, search_url):
    page.route("**/pagefind/pagefind.js", lambda route: route.abort())
    page.goto(f"{search_url}/search/?q=diffusion")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent"
                           ".includes('unavailable')")
    assert page.locator(".search-result").count() == 0


def test_the_page_says_it_is_loading_until_the_index_is_there(page, search_url):
    held = []
    page.route("**/pagefind/pagefind.js", lambda route: held.append(route))  # answered below
    page.goto(f"{search_url}/search/?q=diffusion", wait_until="domcontentloaded")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent"
                           " === 'Loading search…'")
    assert page.locator("[data-search-results]").get_attribute("aria-busy") == "true"
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_function(SEARCH_SETTLED)
    assert status(page) == "5 papers match “diffusion”."
