"""Synthetic archives: many days of made-up but realistically shaped papers, for benchmarks.

Owns the generator (`generate_listings`) and writing its listings to disk (`write_archive`).
The shape follows the real Daily Papers data: about 30 papers a day, ~180-word abstracts, 3-15
authors, a dozen free-form keywords, arXiv-like ids, an HF organisation on about a third of the
papers and heavy-tailed upvotes. Keywords are drawn from a vocabulary (`default_vocabulary`:
the taxonomy's aliases) with Zipf-distributed weights, so a few topics are everywhere and most
are rare, as on the real site.

Same arguments, same listings, same bytes: every choice comes from one seeded `random.Random`,
and nothing reads the clock. It leaves validation and YAML to `model` and `listing_io`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from paperarchive.listing_io import write_listing
from paperarchive.model import Listing, Paper

log = logging.getLogger(__name__)

DEFAULT_PAPERS_PER_DAY = 30
DEFAULT_START = dt.date(2024, 1, 1)
# Zipf exponent for keyword popularity; ~1 matches how HF keywords concentrate on a few topics.
ZIPF_EXPONENT = 1.1
ORGANIZATION_SHARE = 0.35
ABSTRACT_WORDS = 180
DEFAULT_TAXONOMY = Path(__file__).resolve().parent.parent / "taxonomy.yaml"

FIRST_NAMES = (
    "Wei", "Jing", "Yuxuan", "Hao", "Xin", "Min", "Jiaqi", "Zhiyuan", "Li", "Yang", "Anna",
    "Lukas", "Maria", "David", "Sara", "Omar", "Priya", "Arjun", "Kenji", "Yuki", "Hyunwoo",
    "Jisoo", "Pierre", "Camille", "Mateo", "Lucia", "Noah", "Emma", "Olga", "Ivan", "Fatima",
    "Ahmed", "Tomás", "Ines", "Kwame", "Amara", "Elif", "Mehmet", "Nadia", "Sofia", "Ravi",
)
LAST_NAMES = (
    "Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
    "Kim", "Park", "Lee", "Tanaka", "Suzuki", "Müller", "Schmidt", "Rossi", "García",
    "Martínez", "Dubois", "Moreau", "Smith", "Johnson", "Brown", "Patel", "Singh", "Sharma",
    "Ivanov", "Kowalski", "Nguyen", "Tran", "Okafor", "Mensah", "Yılmaz", "Haddad", "Costa",
)
ORGANIZATIONS = (
    ("ByteDance-Seed", "ByteDance Seed"), ("nvidia", "NVIDIA"), ("MicrosoftResearch",
    "Microsoft Research"), ("ShanghaiAiLab", "Shanghai AI Laboratory"), ("tencent", "Tencent"),
    ("Qwen", "Qwen"), ("google", "Google"), ("meta-llama", "Meta Llama"), ("allenai", "Ai2"),
    ("apple", "Apple"), ("UCBerkeley", "University of California, Berkeley"),
    ("ZhejiangUniversity", "Zhejiang University"), ("Fudan-University", "Fudan University"),
    ("kaist-ai", "KAIST AI"), ("hkuhk", "The University of Hong Kong"),
    ("stanford", "Stanford University"), ("mit", "MIT"), ("deepseek-ai", "DeepSeek"),
    ("XiaomiMiMo", "Xiaomi MiMo"), ("HuggingFaceTB", "Hugging Face Smol Models Research"),
    ("openbmb", "OpenBMB"), ("sail", "Sea AI Lab"), ("EPFL", "EPFL"), ("mila", "Mila"),
)
# Generic research prose, so abstracts read like abstracts and not like keyword lists.
# Words that are taxonomy aliases themselves ("benchmark", "dataset", "evaluation") are left out:
# repeated in every abstract they would put every paper in those topics.
FILLER = (
    "model", "method", "approach", "training", "results",
    "performance", "baseline", "framework", "analysis", "task", "tasks", "data", "scale",
    "efficient", "robust", "simple", "novel", "strong", "improves", "achieves", "outperforms",
    "existing", "state-of-the-art", "experiments", "across", "diverse", "settings", "while",
    "reducing", "cost", "accuracy", "limited", "supervision",
    "show", "that", "our", "the", "a", "of", "and", "with", "on", "for", "in", "to", "we",
)
TITLE_NAMES = (
    "Aurora", "Beacon", "Cascade", "Delta", "Ember", "Fathom", "Glint", "Harbor", "Iris",
    "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orbit", "Prism", "Quill", "Relay",
    "Sable", "Tessera", "Umbra", "Vertex", "Willow", "Zephyr",
)
TITLE_PATTERNS = (
    "{name}: {adjective} {k1} for {k2}",
    "Scaling {k1} with {k2}",
    "Towards {adjective} {k1} via {k2}",
    "{name}: Rethinking {k1} in the Era of {k2}",
    "When {k1} Meets {k2}: {adjective} Learning at Scale",
    "{adjective} {k1} Is All You Need for {k2}",
)
ADJECTIVES = (
    "Efficient", "Robust", "Scalable", "Unified", "Adaptive", "Sparse", "Multimodal",
    "Self-Supervised", "Training-Free", "Long-Context", "Lightweight", "Verifiable",
)
# A stand-in vocabulary for callers without a taxonomy (tests, quick experiments).
DEFAULT_VOCABULARY = (
    "large language models", "reinforcement learning", "diffusion models", "vision-language models",
    "retrieval-augmented generation", "text-to-image generation", "video generation",
    "mixture of experts", "chain-of-thought reasoning", "code generation", "speech recognition",
    "robot manipulation", "3D reconstruction", "agents", "benchmarks", "quantization",
    "instruction tuning", "preference optimization", "image segmentation", "math reasoning",
)
# Generic keywords ("adaptive ranking") that name no curated topic, mixed into the default
# vocabulary: with the taxonomy's aliases alone a synthetic paper gets 8-10 topics where real
# ones get 3-4, and the topic pages come out two to three times their real size.
GENERIC_ADJECTIVES = (
    "adaptive", "hierarchical", "contrastive", "curriculum", "federated", "continual", "modular",
    "implicit", "structured", "probabilistic", "bayesian", "causal", "compositional",
    "counterfactual", "iterative", "latent", "neural", "symbolic", "stochastic", "unsupervised",
)
GENERIC_NOUNS = (
    "ranking", "scheduling", "calibration", "editing", "merging", "routing", "sampling",
    "search", "planning", "estimation", "regularization", "tokenization", "augmentation",
    "attribution", "matching", "clustering", "decoding", "filtering", "labeling", "feedback",
)


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate: `papers` papers from `start`, about `per_day` a day, from `seed`."""

    papers: int
    seed: int = 0
    start: dt.date = DEFAULT_START
    per_day: int = DEFAULT_PAPERS_PER_DAY


def zipf_weights(count: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    """Weights 1/rank^s for ranks 1..count."""
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


def generate_listings(
    spec: SyntheticSpec, vocabulary: Sequence[str] = DEFAULT_VOCABULARY
) -> Iterator[Listing]:
    """Yield one listing per day until `spec.papers` papers are listed, oldest day first."""
    if spec.papers < 0 or spec.per_day < 1:
        raise ValueError(f"need papers >= 0 and per_day >= 1, got {spec.papers}, {spec.per_day}")
    terms = sorted(set(vocabulary))
    if not terms:
        raise ValueError("the keyword vocabulary is empty")
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible test data, not secrets
    # Which terms are popular is itself drawn from the seed, not tied to alphabetical order.
    rng.shuffle(terms)
    weights = list(itertools.accumulate(zipf_weights(len(terms))))
    orgs = list(ORGANIZATIONS)
    org_weights = list(itertools.accumulate(zipf_weights(len(orgs), 0.8)))
    numbers_by_month: dict[str, int] = {}
    day = spec.start
    remaining = spec.papers
    while remaining > 0:
        size = min(remaining, max(1, round(rng.gauss(spec.per_day, spec.per_day / 5))))
        papers = []
        for _ in range(size):
            month = f"{day:%y%m}"
            number = numbers_by_month.get(month, rng.randrange(1000, 5000)) + rng.randrange(1, 40)
            numbers_by_month[month] = number
            paper_id = f"{month}.{number:05d}"
            papers.append(_make_paper(rng, paper_id, day, terms, weights, orgs, org_weights))
        yield Listing(date=day, papers=tuple(papers))
        remaining -= size
        day += dt.timedelta(days=1)


def _make_paper(
    rng: random.Random,
    paper_id: str,
    day: dt.date,
    terms: Sequence[str],
    cum_weights: Sequence[float],
    orgs: Sequence[tuple[str, str]],
    org_weights: Sequence[float],
) -> Paper:
    keywords = _distinct(rng, terms, cum_weights, rng.randint(5, 15))
    k1, k2 = keywords[0], keywords[1]
    title = rng.choice(TITLE_PATTERNS).format(
        name=rng.choice(TITLE_NAMES) + rng.choice(("", "-2", "-X", "Net", "LM")),
        adjective=rng.choice(ADJECTIVES),
        k1=_title_case(k1),
        k2=_title_case(k2),
    )
    authors = [
        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(3, 15))
    ]
    data = {
        "id": paper_id,
        "title": title,
        "authors": authors,
        "abstract": _abstract(rng, keywords),
        "published": (day - dt.timedelta(days=rng.randint(0, 4))).isoformat(),
        "ai_summary": (
            f"A {rng.choice(ADJECTIVES).lower()} approach to {k1} that uses {k2} to improve "
            f"{rng.choice(keywords)} while reducing cost."
        ),
        "keywords": keywords,
        # Heavy tail: most papers get a handful of upvotes, a few get hundreds.
        "upvotes": min(999, int(rng.paretovariate(1.3) * 3) - 2),
        "comments": rng.randint(0, 6),
    }
    if rng.random() < ORGANIZATION_SHARE:
        name, fullname = rng.choices(orgs, cum_weights=org_weights)[0]
        data["organization"] = {"name": name, "fullname": fullname}
    if rng.random() < 0.4:
        data["github"] = f"https://github.com/{rng.choice(LAST_NAMES).lower()}/{paper_id}"
        data["github_stars"] = int(rng.paretovariate(1.0) * 10)
    return Paper.from_mapping(data)


def _distinct(
    rng: random.Random, terms: Sequence[str], cum_weights: Sequence[float], count: int
) -> list[str]:
    """`count` distinct terms drawn by cumulative weight (fewer if the vocabulary is small)."""
    chosen: list[str] = []
    # At most a third of the vocabulary, so rejection sampling of rare terms stays quick.
    count = max(1, min(count, len(terms) // 3))
    while len(chosen) < count:
        term = rng.choices(terms, cum_weights=cum_weights)[0]
        if term not in chosen:
            chosen.append(term)
    if len(chosen) < 2:
        chosen.append(chosen[0])
    return chosen


def _abstract(rng: random.Random, keywords: Sequence[str]) -> str:
    """About `ABSTRACT_WORDS` words of research prose that mentions the keywords."""
    sentences = [
        f"We study {keywords[0]} and its interaction with {keywords[1]}.",
    ]
    words = len(sentences[0].split())
    pool = list(keywords)
    while words < ABSTRACT_WORDS:
        length = rng.randint(12, 24)
        body = [rng.choice(FILLER) for _ in range(length)]
        body.insert(rng.randrange(length), rng.choice(pool))
        sentence = " ".join(body)
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
        words += length + 1
    return " ".join(sentences)


def _title_case(phrase: str) -> str:
    return " ".join(w if w[:1].isupper() else w[:1].upper() + w[1:] for w in phrase.split())


def default_vocabulary(taxonomy_path: Path = DEFAULT_TAXONOMY) -> tuple[str, ...]:
    """The keyword vocabulary: every alias of the taxonomy's topics, so papers get topics, and
    generic keywords no topic matches, so they get about as many as real papers (3-5)."""
    from paperarchive.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(taxonomy_path)
    aliases = sorted({alias for rule in taxonomy.rules for alias in rule.aliases})
    generic = [f"{adjective} {noun}" for adjective in GENERIC_ADJECTIVES for noun in GENERIC_NOUNS]
    return (*aliases, *(term for term in generic
                        if not any(rule.regex.search(term) for rule in taxonomy.rules)))


def write_archive(
    root: Path, spec: SyntheticSpec, vocabulary: Sequence[str] = DEFAULT_VOCABULARY
) -> tuple[int, int]:
    """Write the synthetic listings under `root`; return (days, papers) written."""
    days = papers = 0
    for listing in generate_listings(spec, vocabulary):
        write_listing(root, listing)
        days += 1
        papers += len(listing.papers)
    log.info("wrote %d papers over %d days under %s", papers, days, root)
    return days, papers
