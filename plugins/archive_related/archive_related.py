"""Attach related papers to every article, for the paper page's two "more" lists.

Owns the glue only: it reads `article.paper`, `article.listing_day` and `article.topics` (set by
`archive_pages` on `article_generator_pretaxonomy`, a signal sent before this plugin's), asks
`paperarchive.related` for the choice (one pass over the archive), and sets on each article:

- `article.more_from_day`: up to `limit` articles of the same day, most upvoted first;
- `article.more_on_topic`: `(Topic, articles)` for the paper's first topic, or None.

Settings: ``ARCHIVE_RELATED = {"limit": 3}`` (optional; 3 is the default).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pelican import signals

from paperarchive.related import DEFAULT_LIMIT, Entry, related_papers

log = logging.getLogger(__name__)


def read_limit(settings: Mapping[str, Any]) -> int:
    raw = settings.get("ARCHIVE_RELATED")
    raw = {} if raw is None else raw
    if not isinstance(raw, Mapping) or set(raw) - {"limit"}:
        raise ValueError("ARCHIVE_RELATED: expected a dict with only the key 'limit'")
    limit = raw.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"ARCHIVE_RELATED['limit']: expected a whole number, got {limit!r}")
    return limit


def attach_related(articles: list[Any], limit: int) -> None:
    """Set `more_from_day` and `more_on_topic` on each article (pure apart from that)."""
    by_id = {article.paper.id: article for article in articles}
    topics = {topic.slug: topic for article in articles for topic in article.topics}
    entries = [
        Entry(a.paper.id, a.listing_day, a.paper.upvotes or 0, tuple(t.slug for t in a.topics))
        for a in articles
    ]
    for paper_id, related in related_papers(entries, limit).items():
        article = by_id[paper_id]
        article.more_from_day = tuple([by_id[i] for i in related.same_day])
        article.more_on_topic = (
            (topics[related.topic], tuple([by_id[i] for i in related.same_topic]))
            if related.topic is not None and related.same_topic else None
        )


def on_articles_ready(generator: Any) -> None:
    # `article_generator_finalized` fires once all articles are read and `archive_pages` has
    # attached their papers (on `article_generator_pretaxonomy`), before any page is written.
    attach_related([a for a in generator.articles if hasattr(a, "paper")],
                   read_limit(generator.settings))


def register() -> None:
    signals.article_generator_finalized.connect(on_articles_ready)
