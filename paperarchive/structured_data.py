"""schema.org data about a paper, for the JSON-LD block on its page.

Owns the mapping from a `Paper` to a `ScholarlyArticle` dictionary. It returns plain data;
the template serialises it with Jinja's `tojson`, which escapes `<`, `>`, `&` and `'` so no
title or abstract can close the `<script>` element it sits in. The data says what the page's
other tags cannot (type, authors as people, identifiers, dates, organisation) and repeats no
text the page already gives crawlers: no abstract and no description (the meta description
carries the abstract's opening, `short_description`), no keywords (the
topics are rel="tag" links), the title once as `headline` (with `name` only when the headline
had to be shortened) and the address once as `url` (published builds).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from paperarchive.mathtext import math_to_text
from paperarchive.model import Paper

DESCRIPTION_LENGTH = 160  # a meta description: about what a search result shows


def scholarly_article(paper: Paper, *, url: str | None = None,
                      day: dt.date | None = None) -> dict[str, Any]:
    """A schema.org `ScholarlyArticle` for `paper`; absent fields are left out."""
    title = math_to_text(paper.title)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": title if len(title) <= 110 else title[:109] + "…",
        "author": [{"@type": "Person", "name": name} for name in paper.authors],
    }
    if len(title) > 110:
        data["name"] = title
    published = paper.published or day
    if published is not None:
        data["datePublished"] = published.isoformat()
    if url:
        data["url"] = url
    if paper.is_arxiv:
        data["identifier"] = f"arXiv:{paper.id}"
        data["sameAs"] = [u for u in (paper.arxiv_url, paper.hf_url) if u]
    if paper.thumbnail:
        data["image"] = paper.thumbnail
    if paper.organization is not None:
        data["sourceOrganization"] = {"@type": "Organization",
                                      "name": paper.organization.display_name}
    return data


def short_description(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters plus "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:.") + "…"
