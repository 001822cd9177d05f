"""The copied Daily Papers page importer against the real seed page in tests/data/page/."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from paperarchive.importers import ImportOptions, read_input
from paperarchive.importers.page_text import parse_page_text
from paperarchive.model import ListingError, Organization, is_valid_id, slugify

SEED = Path(__file__).parent / "data" / "page" / "000_df572200bbbb8f24.txt"
# Counted by hand in the seed: 43 papers, each ending in a "·" line followed by its date.
SEED_PAPERS = 43


# The seed is the page of Apr 14 (its own date, above the first paper; the year is the page's).
SEED_DAY = dt.date(2026, 4, 14)


def seed_papers(**options):
    """Each paper of the seed with its arXiv date (the date on its card); all are listed on
    the page's own day."""
    fmt, listings = read_input(SEED, ImportOptions(**options))
    assert fmt == "page-text"
    [listing] = listings
    return {p.id: (p.published, p) for p in listing.papers}


def test_the_page_lists_its_papers_on_its_own_day_and_cards_show_arxiv_dates():
    [listing] = read_input(SEED, ImportOptions())[1]
    assert listing.date == SEED_DAY
    assert all(paper.published is not None for paper in listing.papers)
    [other] = read_input(SEED, ImportOptions(date=dt.date(2026, 4, 15)))[1]
    assert other.date == dt.date(2026, 4, 15)  # --date wins
    assert [p.published for p in other.papers] == [p.published for p in listing.papers]


def test_every_paper_of_the_seed_comes_through():
    papers = seed_papers()
    assert len(papers) == SEED_PAPERS
    for day, paper in papers.values():
        assert is_valid_id(paper.id)
        assert paper.title and len(paper.abstract) > 200
        assert (paper.author_count is None) != (paper.organization is None)
        assert paper.authors == ()
        assert dt.date(2018, 1, 1) <= day <= dt.date(2026, 12, 31)


def test_first_paper_after_the_page_chrome():
    day, paper = seed_papers()["robot-learning-with-sparsity-and-scarcity"]
    assert paper.title == "Robot Learning with Sparsity and Scarcity"
    assert paper.abstract.startswith("Unlike in language or vision, one of the fundamental")
    assert paper.author_count == 1
    assert day == dt.date(2025, 9, 20)
    assert paper.upvotes is None


def test_organisation_line_and_upvotes_after_the_date():
    day, paper = seed_papers()[slugify("CapRL: Stimulating Dense Image Caption Capabilities "
                                       "via Reinforcement Learning")]
    assert paper.organization == Organization(name="internlm", fullname="Intern Large Models")
    assert paper.author_count is None
    assert day == dt.date(2025, 9, 26)
    assert paper.upvotes == 2
    _, tech = seed_papers()[slugify("Enhancing Vision-Language Model Training with "
                                    "Reinforcement Learning in Synthetic Worlds for "
                                    "Real-World Success")]
    assert tech.organization == Organization(name="t-tech", fullname="T-Tech")


def test_last_paper_with_upvotes():
    day, paper = seed_papers()[slugify("Eureka: Human-Level Reward Design via Coding Large "
                                       "Language Models")]
    assert (day, paper.author_count, paper.upvotes) == (dt.date(2023, 10, 19), 9, 3)


def test_dates_without_a_year_belong_to_the_year_after_the_latest(caplog, tmp_path):
    # The CLI stops the package logger propagating to the root, so listen on it directly.
    # The source name is unique: once Pelican is imported, its logger class drops a message
    # identical to one logged before in the same process.
    source = str(tmp_path / "copied-page.txt")
    logger = logging.getLogger("paperarchive")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="paperarchive"):
            listings = parse_page_text(SEED.read_text(encoding="utf-8"), source)
    finally:
        logger.removeHandler(caplog.handler)
    papers = {p.id: (p.published, p) for listing in listings for p in listing.papers}
    day, paper = papers["dynaweb-model-based-reinforcement-learning-of-web-agents"]
    assert day == dt.date(2026, 1, 29) and paper.author_count == 10
    assert f"{source}: dates without a year taken as 2026" in caplog.text


def test_page_year_option_overrides_the_inference():
    day, _ = seed_papers(page_year=2027)["dynaweb-model-based-reinforcement-learning-of-web-agents"]
    assert day == dt.date(2027, 1, 29)
    [listing] = read_input(SEED, ImportOptions(page_year=2027))[1]
    assert listing.date == dt.date(2027, 4, 14)  # the page's own date is year-less too
    # Dates with an explicit year are not affected.
    day, _ = seed_papers(page_year=2027)["robot-learning-with-sparsity-and-scarcity"]
    assert day == dt.date(2025, 9, 20)


PAGE = """Daily Papers

Mar 4, 2025

{title}

An abstract.

  • 3 authors
·
{date}
"""


def test_colliding_titles_get_deterministic_suffixes():
    text = PAGE.format(title="Same Title", date="Mar 3, 2025") * 3
    [listing] = parse_page_text(text, "page.txt")
    assert [p.id for p in listing.papers] == ["same-title", "same-title-2", "same-title-3"]


def test_year_less_dates_need_a_year_from_somewhere():
    text = PAGE.format(title="A Paper", date="Jan 29")
    with pytest.raises(ListingError, match="pass --page-year"):
        parse_page_text(text, "page.txt")
    [listing] = parse_page_text(text, "page.txt", page_year=2024)
    assert listing.papers[0].published == dt.date(2024, 1, 29)
    assert listing.date == dt.date(2025, 3, 4)


def test_a_page_without_its_own_date_needs_date():
    text = PAGE.format(title="A Paper", date="Jan 29, 2024").replace("Mar 4, 2025\n", "")
    with pytest.raises(ListingError, match=r"^page.txt: the page's own date .* pass --date"):
        parse_page_text(text, "page.txt")
    [listing] = parse_page_text(text, "page.txt", date=dt.date(2025, 3, 4))
    assert (listing.date, listing.papers[0].published) == (dt.date(2025, 3, 4),
                                                           dt.date(2024, 1, 29))


@pytest.mark.parametrize("date", ["Feb 30, 2025", "Foo 3, 2025", "yesterday"])
def test_bad_dates_are_located(date):
    text = PAGE.format(title="A Paper", date=date)
    with pytest.raises(ListingError, match=r"^page.txt: paper .*: date: "):
        parse_page_text(text, "page.txt")


def test_text_without_papers_is_rejected():
    with pytest.raises(ListingError, match="no papers found"):
        parse_page_text("just some notes\n", "notes.txt")


def test_a_paper_without_an_abstract_keeps_its_title():
    text = "Header\n\nMar 4, 2025\n\nFirst\n\nAbstract one.\n\n  • 2 authors\n·\n" \
           "Mar 3, 2025\n\nSecond\n\n  • 4 authors\n·\nMar 3, 2025 7\n"
    [listing] = parse_page_text(text, "page.txt")
    assert [(p.title, p.abstract, p.upvotes) for p in listing.papers] == [
        ("First", "Abstract one.", None), ("Second", "", 7)]
