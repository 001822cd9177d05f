"""The topic cache: same topics as matching, only new papers matched, dropped when the
taxonomy changes, ignored when broken."""

from __future__ import annotations

import dataclasses

from site_helpers import FIXTURE_ARCHIVE, FIXTURE_TAXONOMY

from paperarchive.listing_io import load_archive
from paperarchive.render import render_archive
from paperarchive.taxonomy import load_taxonomy, parse_taxonomy, topics_for
from paperarchive.topic_cache import TopicCache

TAXONOMY = load_taxonomy(FIXTURE_TAXONOMY)
PAPERS = [paper for listing in load_archive(FIXTURE_ARCHIVE) for paper in listing.papers]


def test_cached_topics_equal_matched_topics_and_only_new_papers_are_matched(tmp_path):
    path = tmp_path / "topics.json"
    first = TopicCache.load(path, TAXONOMY)
    assert [first.topics_for(p) for p in PAPERS[:-1]] == [topics_for(p, TAXONOMY)
                                                          for p in PAPERS[:-1]]
    first.save(path)
    second = TopicCache.load(path, TAXONOMY)
    assert [second.topics_for(p) for p in PAPERS] == [topics_for(p, TAXONOMY) for p in PAPERS]
    assert (second.hits, second.misses) == (len(PAPERS) - 1, 1)


def test_a_changed_paper_is_matched_again(tmp_path):
    path = tmp_path / "topics.json"
    cache = TopicCache.load(path, TAXONOMY)
    paper = PAPERS[0]
    cache.topics_for(paper)
    cache.save(path)
    edited = dataclasses.replace(paper, title="Diffusion models for speech recognition")
    again = TopicCache.load(path, TAXONOMY)
    assert again.topics_for(edited) == topics_for(edited, TAXONOMY)
    assert again.misses == 1


def test_another_taxonomy_drops_the_cache(tmp_path):
    path = tmp_path / "topics.json"
    cache = TopicCache.load(path, TAXONOMY)
    for paper in PAPERS:
        cache.topics_for(paper)
    cache.save(path)
    other = parse_taxonomy("topics:\n  - slug: everything\n    name: Everything\n"
                           "    aliases: [the, a, of]\n", "other.yaml")
    fresh = TopicCache.load(path, other)
    assert [fresh.topics_for(p) for p in PAPERS] == [topics_for(p, other) for p in PAPERS]
    assert fresh.hits == 0


def test_a_broken_cache_file_is_ignored(tmp_path, caplog):
    path = tmp_path / "topics.json"
    path.write_text("{not json", encoding="utf-8")
    cache = TopicCache.load(path, TAXONOMY)
    assert cache.topics_for(PAPERS[0]) == topics_for(PAPERS[0], TAXONOMY)
    assert "ignoring the topic cache" in caplog.text


def test_render_with_the_cache_writes_the_same_articles(tmp_path):
    listings = load_archive(FIXTURE_ARCHIVE)
    render_archive(listings, tmp_path / "plain", TAXONOMY)
    cache = tmp_path / "cache" / "topics.json"
    render_archive(listings, tmp_path / "cold", TAXONOMY, topic_cache=cache)
    render_archive(listings, tmp_path / "warm", TAXONOMY, topic_cache=cache)
    plain = {p.relative_to(tmp_path / "plain"): p.read_bytes()
             for p in (tmp_path / "plain").rglob("*.md")}
    for name in ("cold", "warm"):
        assert {p.relative_to(tmp_path / name): p.read_bytes()
                for p in (tmp_path / name).rglob("*.md")} == plain


def test_parallel_prefetch_gives_the_same_topics(monkeypatch):
    import paperarchive.topic_cache as topic_cache

    monkeypatch.setattr(topic_cache, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(topic_cache, "CHUNK_SIZE", 2)
    cache = TopicCache(TAXONOMY)
    cache.prefetch(PAPERS, workers=2)
    assert cache.prefetched == len({p.id for p in PAPERS})
    assert [cache.topics_for(p) for p in PAPERS] == [topics_for(p, TAXONOMY) for p in PAPERS]
    assert cache.misses == 0
