"""Daily import and render with their caches (listing index, render manifest, topic cache)
give exactly the listings and articles of a run without caches, whatever changed in between:
an edited or removed listing, a hand-edited or deleted article, a broken cache, another
taxonomy. Errors still name the file and the field."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_TAXONOMY

from paperarchive import listing_io
from paperarchive.cli import main
from paperarchive.listing_index import ListingIndex
from paperarchive.model import Listing

HF = Path(__file__).parent / "data" / "hf"
DAYS = sorted(HF.glob("*.json"))[-4:]  # a few days keep the imports quick


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def render(listings: Path, papers: Path, cache: Path | None = None,
           taxonomy: Path = FIXTURE_TAXONOMY) -> int:
    args = ["render", "--listings", str(listings), "--papers", str(papers),
            "--taxonomy", str(taxonomy)]
    if cache is not None:
        args += ["--topic-cache", str(cache / "topics.json")]
    return main(args)


def clean_render(listings: Path, tmp_path: Path, taxonomy: Path = FIXTURE_TAXONOMY):
    """The articles of a render into an empty folder with no cache."""
    papers = tmp_path / "clean-papers"
    shutil.rmtree(papers, ignore_errors=True)
    assert render(listings, papers, taxonomy=taxonomy) == 0
    return snapshot(papers)


@pytest.fixture
def site(tmp_path):
    """The fixture archive rendered once with caches, as after a build."""
    listings, papers, cache = tmp_path / "listings", tmp_path / "papers", tmp_path / "cache"
    shutil.copytree(FIXTURE_ARCHIVE, listings)
    assert render(listings, papers, cache) == 0
    assert {p.name for p in cache.iterdir()} == {"topics.json", "listings.json", "papers.json",
                                                 "listings"}
    assert len(list((cache / "listings").glob("*.pickle"))) == len(list(listings.rglob("*.y*ml")))
    return listings, papers, cache


def test_a_warm_render_equals_a_clean_one_and_renders_nothing(site, tmp_path, capsys):
    listings, papers, cache = site
    before = {p: p.stat().st_mtime_ns for p in papers.rglob("*.md")}
    capsys.readouterr()
    assert render(listings, papers, cache) == 0
    assert "0 written, 0 removed" in capsys.readouterr().err
    assert {p: p.stat().st_mtime_ns for p in papers.rglob("*.md")} == before
    assert snapshot(papers) == clean_render(listings, tmp_path)


def _edit_listing(path: Path, change) -> None:
    listing = listing_io.load_listing(path)
    listing_io.write_atomic(path, listing_io.dump_listing(change(listing)))


def test_an_edited_old_listing_is_rendered_again(site, tmp_path):
    listings, papers, cache = site
    path = next(listings.rglob("*.yaml"))
    _edit_listing(path, lambda listing: dataclasses.replace(listing, papers=tuple(
        dataclasses.replace(p, title=p.title + " (revised)", upvotes=(p.upvotes or 0) + 1)
        for p in listing.papers)))
    assert render(listings, papers, cache) == 0
    assert snapshot(papers) == clean_render(listings, tmp_path)
    assert b"(revised)" in b"".join(snapshot(papers).values())


def test_a_removed_paper_and_a_removed_listing_lose_their_articles(site, tmp_path):
    listings, papers, cache = site
    files = sorted(listings.rglob("*.yaml"))
    _edit_listing(files[0], lambda listing: dataclasses.replace(listing,
                                                                papers=listing.papers[1:]))
    files[-1].unlink()
    assert render(listings, papers, cache) == 0
    assert snapshot(papers) == clean_render(listings, tmp_path)
    assert sorted(p.relative_to(papers) for p in papers.rglob("*")) == sorted(
        p.relative_to(tmp_path / "clean-papers") for p in (tmp_path / "clean-papers").rglob("*"))


def test_hand_edited_and_deleted_articles_are_written_again(site, tmp_path):
    listings, papers, cache = site
    articles = sorted(papers.rglob("*.md"))
    articles[0].unlink()
    articles[1].write_text("Title: edited by hand\n", encoding="utf-8")
    # Same size, another modification time.
    text = articles[2].read_text(encoding="utf-8")
    articles[2].write_text(text.replace("Title: ", "Title; ", 1), encoding="utf-8")
    stat = articles[2].stat()
    os.utime(articles[2], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert render(listings, papers, cache) == 0
    assert snapshot(papers) == clean_render(listings, tmp_path)


@pytest.mark.parametrize("name", ["topics.json", "listings.json", "papers.json"])
@pytest.mark.parametrize("damage", ["truncate", "garbage", "wrong-shape"])
def test_a_broken_cache_is_ignored_with_a_warning(site, tmp_path, capsys, name, damage):
    listings, papers, cache = site
    path = cache / name
    data = path.read_text(encoding="utf-8")
    if damage == "truncate":
        path.write_text(data[: len(data) // 2], encoding="utf-8")
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff not json")
    else:
        shaped = json.loads(data)
        key = {"topics.json": "topics", "listings.json": "listings", "papers.json": "papers"}
        shaped[key[name]] = {"x": [1, 2]} if name == "topics.json" else {"x": "y"}
        path.write_text(json.dumps(shaped), encoding="utf-8")
    articles = sorted(papers.rglob("*.md"))
    articles[0].write_text("hand-edited\n", encoding="utf-8")
    assert render(listings, papers, cache) == 0
    assert snapshot(papers) == clean_render(listings, tmp_path)
    if damage != "wrong-shape" or name != "topics.json":  # topics.json drops bad entries
        assert f"{path}: ignoring the" in capsys.readouterr().err
    # The next run repairs the cache.
    assert json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("damage", ["truncate", "other-listing"])
def test_a_broken_parsed_listing_is_ignored_with_a_warning(site, tmp_path, capsys, damage):
    listings, papers, cache = site
    pickles = sorted((cache / "listings").glob("*.pickle"))
    if damage == "truncate":
        pickles[0].write_bytes(pickles[0].read_bytes()[:50])
    else:  # the parsed listing of another file under this file's hash
        pickles[0].write_bytes(pickles[1].read_bytes())
    for article in papers.rglob("*.md"):
        article.unlink()
    capsys.readouterr()
    assert render(listings, papers, cache) == 0
    assert snapshot(papers) == clean_render(listings, tmp_path)
    assert f"{pickles[0]}: ignoring a" in capsys.readouterr().err


def test_an_index_written_by_other_code_is_not_trusted(site):
    listings, _papers, cache = site
    path = cache / "listings.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    files = list(listings.rglob("*.yaml"))
    trusted = ListingIndex.load(path)
    assert len(list(trusted.scan(listings))) == trusted.hits == len(files)
    data["code"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    other = ListingIndex.load(path)
    assert len(list(other.scan(listings))) == other.misses == len(files)
    assert other.hits == 0


def test_a_taxonomy_change_renders_the_new_topics(site, tmp_path):
    listings, papers, cache = site
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text(FIXTURE_TAXONOMY.read_text(encoding="utf-8").replace(
        "name: Video\n", "name: Moving Pictures\n"), encoding="utf-8")
    assert render(listings, papers, cache, taxonomy) == 0
    after = snapshot(papers)
    assert after == clean_render(listings, tmp_path, taxonomy)
    assert b"Topic: video Moving Pictures" in b"".join(after.values())


def test_an_invalid_listing_is_reported_with_file_and_field_despite_the_caches(site, capsys):
    listings, papers, cache = site
    path = next(listings.rglob("*.yaml"))
    path.write_text(path.read_text(encoding="utf-8").replace("upvotes: ", "upvotes: -", 1),
                    encoding="utf-8")
    before = snapshot(papers)
    assert render(listings, papers, cache) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "upvotes" in err
    assert snapshot(papers) == before


def test_a_listing_renamed_to_another_day_is_refused_even_if_indexed(site, capsys):
    listings, papers, cache = site
    path = next(listings.rglob("*.yaml"))
    moved = path.with_name("2020-01-01.yaml")
    path.rename(moved)
    assert render(listings, papers, cache) == 1
    assert f"{moved}: date: the file is named for 2020-01-01" in capsys.readouterr().err


# --- import ----------------------------------------------------------------------------------

def _import(listings: Path, cache: Path | None, *inputs: Path) -> int:
    args = ["-q", "import", "--listings", str(listings), *map(str, inputs)]
    if cache is not None:
        args += ["--listing-cache", str(cache)]
    return main(args)


def test_a_daily_import_with_the_index_equals_one_without(tmp_path, monkeypatch):
    days = DAYS
    with_index, without = tmp_path / "a", tmp_path / "b"
    index = tmp_path / "cache" / "listings.json"
    for root, cache in ((with_index, index), (without, None)):
        assert _import(root, cache, *days[:-2]) == 0
    assert index.exists()
    # A listing edited by hand between runs, then the next days arrive.
    for root in (with_index, without):
        _edit_listing(sorted(root.rglob("*.yaml"))[0], lambda listing: dataclasses.replace(
            listing, papers=listing.papers[:-1]))
    for day in days[-2:]:
        for root, cache in ((with_index, index), (without, None)):
            assert _import(root, cache, day) == 0
    assert snapshot(with_index) == snapshot(without)
    # The render finds the parsed listings the import kept, and renders the same articles.
    papers = tmp_path / "papers"
    with monkeypatch.context() as patch:
        patch.setattr(listing_io, "parse_listing", lambda *_args: pytest.fail("parsed YAML"))
        assert render(with_index, papers, index.parent) == 0
    assert snapshot(papers) == clean_render(without, tmp_path)
    reloaded = ListingIndex.load(index)  # every listing, edited or written, is indexed
    assert len(list(reloaded.scan(with_index))) == reloaded.hits > 0
    assert reloaded.misses == 0


def test_a_paper_arriving_on_an_earlier_day_moves_with_the_index(tmp_path):
    """The first-day rule needs every day's ids: the index supplies them unparsed."""
    with_index, without = tmp_path / "a", tmp_path / "b"
    index = tmp_path / "cache" / "listings.json"
    days = DAYS
    for root, cache in ((with_index, index), (without, None)):
        assert _import(root, cache, *days) == 0
    latest = sorted(with_index.rglob("*.yaml"))[-1]
    listing = listing_io.load_listing(latest)
    # The day before: a real day (a placeholder such as a day before Daily Papers began would
    # be refused), and not one of the imported days.
    earlier = Listing(date=listing.date - dt.timedelta(days=1), papers=listing.papers[:2])
    incoming = tmp_path / "incoming" / f"{earlier.date}.yaml"
    incoming.parent.mkdir()
    incoming.write_text(listing_io.dump_listing(earlier), encoding="utf-8")
    for root, cache in ((with_index, index), (without, None)):
        assert _import(root, cache, incoming) == 0
    assert snapshot(with_index) == snapshot(without)
    moved = listing_io.load_listing(listing_io.listing_path(with_index, earlier.date))
    assert {p.id for p in moved.papers} == {p.id for p in earlier.papers}
    assert not {p.id for p in earlier.papers} & {
        p.id for p in listing_io.load_listing(latest).papers}


def test_an_import_into_an_archive_with_an_invalid_listing_writes_nothing(tmp_path, capsys):
    listings, index = tmp_path / "listings", tmp_path / "cache" / "listings.json"
    days = DAYS
    assert _import(listings, index, *days[:-1]) == 0
    path = sorted(listings.rglob("*.yaml"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: [", 1),
                    encoding="utf-8")
    before = snapshot(listings)
    capsys.readouterr()
    assert _import(listings, index, days[-1]) == 1
    assert str(path) in capsys.readouterr().err
    assert snapshot(listings) == before


def test_a_corrupt_index_is_ignored_by_the_import(tmp_path, capsys):
    listings, index = tmp_path / "listings", tmp_path / "cache" / "listings.json"
    days = DAYS
    assert _import(listings, index, *days[:-1]) == 0
    index.write_text(index.read_text(encoding="utf-8")[:100], encoding="utf-8")
    assert _import(listings, index, days[-1]) == 0
    assert f"{index}: ignoring the listing index" in capsys.readouterr().err
    reference = tmp_path / "reference"
    assert _import(reference, None, *days) == 0
    assert snapshot(listings) == snapshot(reference)


def test_listings_dumped_on_several_processes_are_the_serial_bytes():
    from paperarchive.synthetic import SyntheticSpec, generate_listings

    papers = [paper for listing in generate_listings(SyntheticSpec(papers=150, seed=3),
                                                     ["topic a", "topic b"])
              for paper in listing.papers]
    start = dt.date(2026, 1, 1)
    many = [Listing(date=start + dt.timedelta(days=n), papers=tuple(papers[2 * n:2 * n + 2]))
            for n in range(len(papers) // 2)]
    assert len(many) >= listing_io.PARALLEL_DUMP_THRESHOLD
    assert listing_io.dump_listings(many, workers=2) == [listing_io.dump_listing(listing)
                                                         for listing in many]
