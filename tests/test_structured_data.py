"""JSON-LD for paper pages: the right schema.org fields, and safe inside <script>."""

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from jinja2 import Environment

from paperarchive.model import Organization, Paper, Topic
from paperarchive.structured_data import scholarly_article, short_description
from plugins.archive_related.archive_related import attach_related, read_limit


def make_paper(**overrides):
    data = dict(id="2608.19880", title="Fast $O(n)$ attention", authors=("A. One", "B. Two"),
                abstract="We show </script><script>alert(1)</script> & more.",
                published=dt.date(2026, 8, 27), thumbnail="https://cdn.example.org/t.png",
                organization=Organization("acme", "Acme Labs"))
    data.update(overrides)
    return Paper(**data)


def test_scholarly_article_fields():
    data = scholarly_article(make_paper(), url="https://x.org/papers/2608.19880/")
    assert data["@type"] == "ScholarlyArticle"
    assert data["headline"] == "Fast O(n) attention" and "name" not in data
    assert [a["name"] for a in data["author"]] == ["A. One", "B. Two"]
    assert data["datePublished"] == "2026-08-27"
    assert data["identifier"] == "arXiv:2608.19880"
    assert data["sameAs"] == ["https://arxiv.org/abs/2608.19880",
                              "https://huggingface.co/papers/2608.19880"]
    assert data["image"] == "https://cdn.example.org/t.png"
    assert data["url"] == "https://x.org/papers/2608.19880/" and "keywords" not in data
    assert data["sourceOrganization"]["name"] == "Acme Labs"
    assert "abstract" not in data and "description" not in data


def test_a_long_title_is_shortened_as_headline_and_kept_whole_as_name():
    title = " ".join(["Word"] * 40)
    data = scholarly_article(make_paper(title=title))
    assert data["headline"].endswith("…") and len(data["headline"]) <= 110
    assert data["name"] == title


def test_short_description_is_the_opening_cut_at_a_word():
    text = short_description("Word " * 200)
    assert text.endswith("Word…") and len(text) <= 161
    assert short_description("  Two\n words. ") == "Two words."


def test_slug_paper_uses_listing_day_and_has_no_arxiv_fields():
    paper = make_paper(id="some-slug", published=None, thumbnail=None, organization=None)
    data = scholarly_article(paper, day=dt.date(2025, 9, 20))
    assert data["datePublished"] == "2025-09-20"
    assert "identifier" not in data and "image" not in data and "url" not in data


def test_tojson_cannot_close_the_script_element():
    env = Environment(autoescape=True)
    template = env.from_string('<script type="application/ld+json">{{ data|tojson }}</script>')
    paper = make_paper(title="Fast </script><script>alert(1)</script> & more")
    html = template.render(data=scholarly_article(paper))
    body = html[len('<script type="application/ld+json">'):-len("</script>")]
    assert "</script" not in body.lower() and "<" not in body
    assert json.loads(body)["headline"].startswith("Fast </script>")


def entry(paper_id, day, upvotes, *topics):
    return SimpleNamespace(
        paper=make_paper(id=paper_id, upvotes=upvotes),
        listing_day=day,
        topics=tuple(Topic(slug, slug.upper()) for slug in topics),
    )


def test_attach_related_sets_articles_on_articles():
    d1, d2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)
    a, b, c = entry("a", d1, 5, "rl"), entry("b", d1, 9), entry("c", d2, 1, "rl")
    attach_related([a, b, c], limit=3)
    assert a.more_from_day == (b,)
    assert a.more_on_topic[0] == Topic("rl", "RL") and a.more_on_topic[1] == (c,)
    assert b.more_on_topic is None
    assert c.more_from_day == ()


@pytest.mark.parametrize("value", [[], {"limit": -1}, {"limit": "3"}, {"other": 1}])
def test_bad_related_settings(value):
    with pytest.raises(ValueError, match="ARCHIVE_RELATED"):
        read_limit({"ARCHIVE_RELATED": value})
