"""The synthetic archive generator: shape, determinism, and listings that load back."""

import datetime as dt
import statistics
from collections import Counter

import pytest

from paperarchive.listing_io import dump_listing, load_archive
from paperarchive.model import ARXIV_ID_RE
from paperarchive.synthetic import SyntheticSpec, generate_listings, write_archive

VOCABULARY = [f"topic {word}" for word in "abcdefghijklmnopqrstuvwxyz"]


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not():
    def texts(seed):
        spec = SyntheticSpec(papers=120, seed=seed)
        return [dump_listing(listing) for listing in generate_listings(spec, VOCABULARY)]

    assert texts(7) == texts(7)
    assert texts(7) != texts(8)


@pytest.mark.parametrize("papers", [0, 1, 29, 301])
def test_exactly_the_requested_number_of_papers_on_consecutive_days(papers):
    start = dt.date(2025, 12, 30)
    listings = list(generate_listings(SyntheticSpec(papers=papers, start=start), VOCABULARY))
    assert sum(len(listing.papers) for listing in listings) == papers
    assert [listing.date for listing in listings] == [
        start + dt.timedelta(days=offset) for offset in range(len(listings))
    ]


def test_papers_have_the_shape_of_daily_papers():
    listings = list(generate_listings(SyntheticSpec(papers=3000, seed=1), VOCABULARY))
    papers = [paper for listing in listings for paper in listing.papers]
    ids = [paper.id for paper in papers]
    assert len(set(ids)) == len(ids)
    assert all(ARXIV_ID_RE.match(paper_id) for paper_id in ids)
    assert 25 <= statistics.mean(len(listing.papers) for listing in listings) <= 35
    assert 160 <= statistics.mean(len(paper.abstract.split()) for paper in papers) <= 210
    assert {len(paper.authors) for paper in papers} == set(range(3, 16))
    with_org = sum(paper.organization is not None for paper in papers) / len(papers)
    assert 0.2 < with_org < 0.5
    assert all(set(paper.keywords) <= set(VOCABULARY) for paper in papers)
    assert max(paper.upvotes for paper in papers) > 10 * statistics.median(
        paper.upvotes for paper in papers
    )


def test_keyword_popularity_is_skewed():
    listings = generate_listings(SyntheticSpec(papers=3000, seed=2), VOCABULARY)
    counts = {}
    for listing in listings:
        for paper in listing.papers:
            for keyword in paper.keywords:
                counts[keyword] = counts.get(keyword, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    assert ranked[0] > 4 * ranked[-1]


def test_written_archive_loads_back_unchanged(tmp_path):
    spec = SyntheticSpec(papers=75, seed=3, start=dt.date(2026, 2, 27))
    assert write_archive(tmp_path, spec, VOCABULARY) == (len(list(tmp_path.rglob("*.yaml"))), 75)
    assert load_archive(tmp_path) == list(generate_listings(spec, VOCABULARY))


@pytest.mark.parametrize(("papers", "per_day", "vocabulary"), [(-1, 30, VOCABULARY),
                                                               (10, 0, VOCABULARY), (10, 30, [])])
def test_rejects_impossible_requests(papers, per_day, vocabulary):
    with pytest.raises(ValueError):
        list(generate_listings(SyntheticSpec(papers=papers, per_day=per_day), vocabulary))


def test_the_default_vocabulary_gives_papers_the_taxonomy_topics():
    from paperarchive.synthetic import DEFAULT_TAXONOMY, default_vocabulary
    from paperarchive.taxonomy import load_taxonomy, topics_for

    taxonomy = load_taxonomy(DEFAULT_TAXONOMY)
    listings = generate_listings(SyntheticSpec(papers=300, seed=4), default_vocabulary())
    topic_counts = Counter(topic for listing in listings for paper in listing.papers
                           for topic in topics_for(paper, taxonomy))
    assert len(topic_counts) > len(taxonomy.rules) // 2
    ranked = sorted(topic_counts.values(), reverse=True)
    assert ranked[0] > 3 * ranked[-1]
