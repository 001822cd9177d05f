"""schema.org data about a paper, for the JSON-LD block on its page.

Owns the mapping from a `Paper` to a `ScholarlyArticle` dictionary. It returns plain data;
the template serialises it with Jinja's `tojson`, which escapes `<`, `>`, `&` and `'` so no
title or abstract can close the `<script>` element it sits in. The abstract is on the page
already; the data carries a short `description` (its opening, as in the meta description)
rather than a second full copy, which was the largest block of a paper page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from paperarchive.mathtext import math_to_text
from paperarchive.model import Paper, Topic

DESCRIPTION_LENGTH = 200  # as long as the page's meta description


def scholarly_article(paper: Paper, *, url: str | None = None, day: dt.date | None = None,
                      topics: Iterable[Topic] = ()) -> dict[str, Any]:
    """A schema.org `ScholarlyArticle` for `paper`; absent fields are left out."""
    title = math_to_text(paper.title)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": title if len(title) <= 110 else title[:109] + "…",
        "name": title,
        "author": [{"@type": "Person", "name": name} for name in paper.authors],
    }
    description = short_description(math_to_text(paper.abstract))
    if description:
        data["description"] = description
    published = paper.published or day
    if published is not None:
        data["datePublished"] = published.isoformat()
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = url
    if paper.is_arxiv:
        data["identifier"] = f"arXiv:{paper.id}"
        data["sameAs"] = [u for u in (paper.arxiv_url, paper.hf_url) if u]
    if paper.thumbnail:
        data["image"] = paper.thumbnail
    names = [topic.name for topic in topics]
    if names:
        data["keywords"] = names
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
