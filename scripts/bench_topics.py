#!/usr/bin/env python3
"""Time topic matching on synthetic papers: the plain definition against `topics_for`.

`python scripts/bench_topics.py [--papers 10000]` prints milliseconds per paper for both, and
checks they give the same topics. The plain definition is `TopicRule.matches` for every topic
(every topic's expression over the title, each keyword and the abstract). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import sys
import time

from paperarchive.synthetic import DEFAULT_TAXONOMY, SyntheticSpec, generate_listings
from paperarchive.taxonomy import load_taxonomy, topics_for


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    taxonomy = load_taxonomy(DEFAULT_TAXONOMY)
    papers = [p for listing in generate_listings(SyntheticSpec(papers=args.papers, seed=args.seed))
              for p in listing.papers]

    start = time.process_time()
    plain = [tuple(r.topic for r in taxonomy.rules if r.matches(p)) for p in papers]
    plain_ms = (time.process_time() - start) * 1000 / len(papers)
    start = time.process_time()
    fast = [topics_for(p, taxonomy) for p in papers]
    fast_ms = (time.process_time() - start) * 1000 / len(papers)

    print(f"{len(papers)} synthetic papers, {len(taxonomy.rules)} topics (CPU time)")
    print(f"plain definition: {plain_ms:.3f} ms/paper")
    print(f"topics_for:       {fast_ms:.3f} ms/paper ({plain_ms / fast_ms:.1f}x faster)")
    if plain != fast:
        print("MISMATCH: topics_for differs from the plain definition", file=sys.stderr)
        return 1
    print("same topics for every paper")
    return 0


if __name__ == "__main__":
    sys.exit(main())
