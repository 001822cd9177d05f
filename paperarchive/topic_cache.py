"""A cache of each paper's topics between renders, so a daily rebuild matches only new papers.

Owns the cache file (JSON: the taxonomy's fingerprint and, per paper text, its topic slugs).
Matching 30 topics' expressions against every abstract is most of the render step (about 2 ms a
paper); a paper's topics depend only on its title, keywords and abstract and on the taxonomy,
so they are keyed by a hash of those three fields, and the whole cache is dropped when the
taxonomy changes. It leaves matching itself to `taxonomy` and writing articles to `render`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from paperarchive.listing_io import write_atomic
from paperarchive.model import Paper, Topic
from paperarchive.taxonomy import Taxonomy, topics_for

log = logging.getLogger(__name__)

# Bump when the matching rules in `taxonomy` change meaning, so old caches are not trusted.
MATCHING_VERSION = 1
# Below this many unmatched papers, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 2000
CHUNK_SIZE = 1000


def taxonomy_fingerprint(taxonomy: Taxonomy) -> str:
    """A hash of everything about the taxonomy that decides a paper's topics."""
    rules = [[rule.topic.slug, rule.topic.name, list(rule.aliases), list(rule.patterns),
              rule.min_abstract_matches, rule.regex.pattern, rule.regex.flags]
             for rule in taxonomy.rules]
    text = json.dumps([MATCHING_VERSION, rules], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def paper_key(paper: Paper) -> str:
    text = json.dumps([paper.title, list(paper.keywords), paper.abstract], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class TopicCache:
    """Topics by paper text for one taxonomy; `topics_for` matches only what it has not seen."""

    def __init__(self, taxonomy: Taxonomy, known: dict[str, list[str]] | None = None) -> None:
        self.taxonomy = taxonomy
        self.fingerprint = taxonomy_fingerprint(taxonomy)
        self._by_slug = {rule.topic.slug: rule.topic for rule in taxonomy.rules}
        self._known = dict(known or {})
        self._used: dict[str, list[str]] = {}
        self.hits = self.misses = 0

    def topics_for(self, paper: Paper, key: str | None = None) -> tuple[Topic, ...]:
        """The topics of `paper` (whose `paper_key` is `key`, computed if not given)."""
        key = key or paper_key(paper)
        slugs = self._known.get(key)
        if slugs is not None and all(slug in self._by_slug for slug in slugs):
            self.hits += 1
            topics = tuple(self._by_slug[slug] for slug in slugs)
        else:
            self.misses += 1
            topics = topics_for(paper, self.taxonomy)
        self._used[key] = [topic.slug for topic in topics]
        return topics

    def keep(self, key: str) -> None:
        """Keep the topics of the paper with `paper_key` `key` in the saved cache, as if
        `topics_for` had been asked (for papers whose article was not rendered again)."""
        slugs = self._known.get(key)
        if slugs is not None:
            self._used[key] = slugs

    def prefetch(self, papers: Iterable[Paper], workers: int | None = None, *,
                 keys: Iterable[str] | None = None) -> None:
        """Match the topics of the papers not in the cache yet, on `workers` processes (default:
        one per CPU) when there are many; `topics_for` then finds them. Same topics either way:
        matching is a pure function of the paper and the taxonomy. `keys` are the papers'
        `paper_key`s, if known."""
        papers = list(papers)
        keys = list(keys) if keys is not None else [paper_key(paper) for paper in papers]
        pending: dict[str, Paper] = {}
        for key, paper in zip(keys, papers, strict=True):
            if key not in self._known and key not in pending:
                pending[key] = paper
        workers = workers or os.cpu_count() or 1
        if len(pending) < PARALLEL_THRESHOLD or workers < 2:
            return
        items = list(pending.items())
        chunks = [items[i:i + CHUNK_SIZE] for i in range(0, len(items), CHUNK_SIZE)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_match_chunk, [self.taxonomy] * len(chunks),
                               [[paper for _key, paper in chunk] for chunk in chunks])
            for chunk, slugs in zip(chunks, results, strict=True):
                for (key, _paper), paper_slugs in zip(chunk, slugs, strict=True):
                    self._known[key] = paper_slugs
        self.prefetched = len(items)

    prefetched = 0

    @classmethod
    def load(cls, path: Path, taxonomy: Taxonomy) -> TopicCache:
        """The cache in `path`, or an empty one if it is missing, unreadable or for another
        taxonomy (a cache is only ever an optimisation)."""
        cache = cls(taxonomy)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cache
        except (OSError, ValueError) as exc:
            log.warning("%s: ignoring the topic cache (%s)", path, exc)
            return cache
        if (isinstance(data, dict) and data.get("taxonomy") == cache.fingerprint
                and isinstance(data.get("topics"), dict)):
            cache._known = {key: slugs for key, slugs in data["topics"].items()
                            if isinstance(slugs, list) and all(isinstance(s, str) for s in slugs)}
        return cache

    def save(self, path: Path) -> None:
        """Write the topics of the papers seen in this run (so removed papers drop out)."""
        data = {"taxonomy": self.fingerprint, "topics": dict(sorted(self._used.items()))}
        write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def _match_chunk(taxonomy: Taxonomy, papers: Sequence[Paper]) -> list[list[str]]:
    """Topic slugs of each paper (runs in a worker process)."""
    return [[topic.slug for topic in topics_for(paper, taxonomy)] for paper in papers]
