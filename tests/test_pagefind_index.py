"""The Pagefind indexing step, run against small hand-written sites (no Pelican needed)."""

import gzip
import json
import os
import re
import runpy
import shutil

import pytest
import yaml
from pagefind_index.canonical import UnexpectedBundle, canonicalize, decode, encode, read_chunk
from pagefind_index.pagefind_index import (
    CACHE_DIR,
    IndexOptions,
    PagefindIndexError,
    build_index,
    pagefind_command,
    read_options,
)
from pagefind_index.shards import page_glob
from site_helpers import REPO

PAPER = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<nav>Home Archive Topics navigationword</nav>
<article data-pagefind-body><h1 data-pagefind-meta="title">{title}</h1>
<p>{abstract}</p></article></body></html>"""
LISTING = """<!doctype html><html lang="en"><head><title>Day</title></head><body>
<h1>All papers of the day</h1><p>listingword</p></body></html>"""


def write_site(root, papers):
    for slug, (title, abstract) in papers.items():
        page = root / "papers" / slug / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(PAPER.format(title=title, abstract=abstract), encoding="utf-8")
    (root / "index.html").write_text(LISTING, encoding="utf-8")


def test_only_paper_bodies_are_indexed_and_the_bundle_lands_in_place(tmp_path):
    write_site(tmp_path, {"a": ("Sparse Attention", "We prune heads."),
                          "b": ("Dense Retrieval", "We embed passages.")})
    stats = build_index(tmp_path, IndexOptions())
    bundle = tmp_path / "pagefind"
    assert stats.pages == 2
    # Pages without a year filter go to the shard "other".
    manifest = json.loads((bundle / "shards.json").read_text())
    assert [(s["name"], s["path"], s["pages"]) for s in manifest["shards"]] == [
        ("other", "other/", 2)]
    assert (bundle / "other" / "pagefind.js").is_file()
    entry = json.loads((bundle / "other" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 2
    assert stats.files == sum(1 for p in bundle.rglob("*") if p.is_file())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_reindexing_a_changed_shard_replaces_its_old_files(tmp_path):
    write_site(tmp_path, {"a": ("Sparse Attention", "We prune heads.")})
    build_index(tmp_path, IndexOptions())
    stale = tmp_path / "pagefind" / "other" / "fragment" / "stale.pf_fragment"
    stale.write_bytes(b"old")
    page = tmp_path / "papers" / "a" / "index.html"
    page.write_text(page.read_text().replace("prune", "trim"))
    stats = build_index(tmp_path, IndexOptions())
    assert stats.pages == 1
    assert stats.indexed == ("other",)
    assert not stale.exists()


def test_a_failed_run_keeps_the_previous_bundle_and_says_why(tmp_path):
    site = tmp_path / "site"
    write_site(site, {"a": ("Sparse Attention", "We prune heads.")})
    build_index(site, IndexOptions())
    before = bundle_files(site / "pagefind")
    page = site / "papers" / "a" / "index.html"
    page.write_text(page.read_text().replace("prune", "trim"))
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n")
    broken.chmod(0o755)
    with pytest.raises(PagefindIndexError, match=r"shard other(.|\n)*exit 3(.|\n)*something broke"):
        build_index(site, IndexOptions(), executable=broken)
    assert bundle_files(site / "pagefind") == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".")] == []


def test_the_glob_limits_which_files_are_read(tmp_path, caplog):
    caplog.set_level("INFO")
    write_site(tmp_path, {"a": ("Sparse Attention", "We prune heads."),
                          "b": ("Dense Retrieval", "We embed passages.")})
    assert build_index(tmp_path, IndexOptions(glob="papers/a/*.html")).pages == 1
    assert build_index(tmp_path, IndexOptions(glob="nothing/**/*.html")).pages == 0
    assert "no HTML file matches 'nothing/**/*.html'" in caplog.text
    assert not (tmp_path / "pagefind").exists()


def test_missing_site_folder_is_named(tmp_path):
    with pytest.raises(PagefindIndexError, match="does not exist"):
        build_index(tmp_path / "nope", IndexOptions())


def test_options_default_and_pass_through():
    assert read_options({}) == IndexOptions()
    options = read_options({"PAGEFIND_INDEX": {"bundle_dir": "search-index",
                                               "force_language": "en",
                                               "glob": "papers/**/*.html",
                                               "extra_args": ["--verbose"]}})
    command = pagefind_command("pf", "out", "out/x", options)
    assert command[-5:] == ["--force-language", "en", "--glob", "papers/**/*.html", "--verbose"]


@pytest.mark.parametrize(("value", "message"), [
    ({"bundel_dir": "x"}, "unknown key"),
    ({"enabled": "yes"}, "enabled"),
    ({"reproducible": 1}, "reproducible"),
    ({"bundle_dir": "../elsewhere"}, "bundle_dir"),
    ({"force_language": "english"}, "force_language"),
    ({"extra_args": "--verbose"}, "extra_args"),
    ({"glob": "../**/*.html"}, "glob"),
    ({"split_newest": "week"}, r"split_newest.*'week'"),
    ({"recent_days": "14"}, "recent_days"),
    ({"recent_days": -1}, "recent_days"),
    (["enabled"], "expected a dict"),
])
def test_bad_settings_name_the_key(value, message):
    with pytest.raises(PagefindIndexError, match=message):
        read_options({"PAGEFIND_INDEX": value})


def test_the_built_site_indexes_every_paper_page_and_nothing_else(built_site):
    manifest = json.loads((built_site / "pagefind" / "shards.json").read_text())
    counts = [json.loads((built_site / "pagefind" / shard["path"] / "pagefind-entry.json")
                         .read_text())["languages"]["en"]["page_count"]
              for shard in manifest["shards"]]
    paper_pages = list((built_site / "papers").glob("*/index.html"))
    assert sum(counts) == len(paper_pages) > 0
    assert [shard["pages"] for shard in manifest["shards"]] == counts
    # The fixture lists papers in December 2025 and in May and June 2026: the paper pages'
    # year filter and date sort key put them in a closed year's shard and two months'.
    assert [shard["name"] for shard in manifest["shards"]] == ["2026-06", "2026-05", "2025"]
    bodies = [page for page in built_site.rglob("*.html")
              if "data-pagefind-body" in page.read_text(encoding="utf-8")]
    assert sorted(bodies) == sorted(paper_pages)
    assert [p.name for p in built_site.iterdir() if p.name.startswith(".pagefind")] == []
    # Every shard has what search.js loads, and none of Pagefind's unused ready-made UIs.
    for shard in manifest["shards"]:
        bundle = built_site / "pagefind" / shard["path"]
        assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-worker.js").is_file()
        assert sorted(p.name for p in bundle.glob("pagefind-*")) == [
            "pagefind-entry.json", "pagefind-worker.js"]


FILTERED = """<!doctype html><html lang="en"><head><title>{n}</title></head><body>
<article data-pagefind-body><h1>Paper {n} on {topic}</h1>
<p data-pagefind-sort="upvotes:{upvotes}" data-pagefind-filter="year:{year}">{upvotes} upvotes</p>
<p data-pagefind-sort="date:{year}-{month:02d}-{day:02d}">words</p>
<a href="/tags/" data-pagefind-filter="topic">{topic}</a>
<a href="/orgs/" data-pagefind-filter="organisation">{org}</a></article></body></html>"""


def write_filtered_site(root, count=40):
    topics = ["Agents", "Diffusion", "Reasoning", "Robotics", "Speech", "Video", "Vision"]
    orgs = ["Ai2", "Apple", "NVIDIA", "Qwen", "Tencent"]
    for n in range(count):
        page = root / "papers" / f"p{n}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(FILTERED.format(n=n, topic=topics[n % 7], org=orgs[n % 5],
                                        year=2020 + n % 6, month=1 + n // 6 % 12, day=1 + n % 28,
                                        upvotes=n * 7 % 50),
                        encoding="utf-8")


def bundle_files(bundle):
    return {str(p.relative_to(bundle)): p.read_bytes()
            for p in sorted(bundle.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_site_give_the_same_bundle_bytes(tmp_path):
    write_filtered_site(tmp_path)
    build_index(tmp_path, IndexOptions())
    first = bundle_files(tmp_path / "pagefind")
    for _ in range(3):
        shutil.rmtree(tmp_path / "pagefind")  # nothing to reuse: every shard indexed again
        assert len(build_index(tmp_path, IndexOptions()).indexed) == 9
        assert bundle_files(tmp_path / "pagefind") == first
    assert len([name for name in first if "/filter/" in name]) == 3 * 9


def test_filters_keep_every_value_and_page_after_sorting(tmp_path):
    write_filtered_site(tmp_path)
    build_index(tmp_path, IndexOptions(reproducible=False))
    raw = tmp_path / "pagefind" / "2020"

    def filters(bundle):
        chunks = {}
        for path in (bundle / "filter").iterdir():
            name, values = read_chunk(path)
            chunks[name] = {value: pages for value, pages in values}
        return chunks

    before = filters(raw)
    assert canonicalize(raw) == 4  # three filter chunks and the metadata file renamed
    after = filters(raw)
    assert after == before
    assert list(after["topic"]) == sorted(after["topic"])
    entry = json.loads((raw / "pagefind-entry.json").read_text())
    meta = read_chunk(raw / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    assert [name for name, _ in meta[3]] == ["organisation", "topic", "year"]
    assert [item[0] for item in meta[4]] == ["date", "upvotes"]


def test_an_unknown_bundle_layout_is_left_untouched(tmp_path):
    write_filtered_site(tmp_path, count=5)
    build_index(tmp_path, IndexOptions(reproducible=False))
    bundle = tmp_path / "pagefind" / "2020"
    chunk = next((bundle / "filter").iterdir())
    chunk.write_bytes(gzip.compress(b"pagefind_dcd" + encode(["topic", "not a list"])))
    before = bundle_files(bundle)
    with pytest.raises(UnexpectedBundle, match="unknown layout"):
        canonicalize(bundle)
    assert bundle_files(bundle) == before


@pytest.mark.parametrize("value", [
    0, 23, 24, 255, 256, 65_535, 65_536, 2**32, "", "Agents & Tools", "日本語", b"\x00\xff",
    [], [1, [2, ["three"]]], ["topic", [["Agents", [0, 5, 300]], ["Video", []]]],
])
def test_cbor_subset_round_trips(value):
    data = encode(value)
    assert decode(data) == (value, len(data))


@pytest.mark.parametrize("data", [b"\xa0", b"\x9f\xff", b"\xf5", b"\x63ab"])
def test_cbor_outside_the_subset_is_refused(data):
    with pytest.raises(UnexpectedBundle):
        decode(data)


def test_an_empty_archive_still_builds_without_a_search_bundle(tmp_path):
    from site_helpers import build_site

    (tmp_path / "listings").mkdir()
    output = build_site(tmp_path / "listings", tmp_path / "work")
    assert (output / "search" / "index.html").is_file()
    assert not (output / "pagefind").exists()


# --- shards: one bundle per year, re-indexed only when its pages change ---------------------

def shard_urls(bundle, name):
    """{page URL: year filter value} of the fragments in one shard."""
    urls = {}
    for path in (bundle / name / "fragment").iterdir():
        fragment = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        urls[fragment["url"]] = fragment["filters"]["year"]
    return urls


NAMES = ["2025-06", "2025-05", "2025-04", "2025-q1", "2024", "2023", "2022", "2021", "2020"]


def test_closed_years_quarters_and_months_of_the_open_one_are_bundles_newest_first(tmp_path):
    # 2020-2025; 2025's six pages are listed from January 6 to June 8, one a month.
    write_filtered_site(tmp_path)
    stats = build_index(tmp_path, IndexOptions())
    bundle = tmp_path / "pagefind"
    manifest = json.loads((bundle / "shards.json").read_text())
    names = [shard["name"] for shard in manifest["shards"]]
    assert names == NAMES
    assert stats.shards == 9 and stats.pages == 40
    seen = {}
    for shard in manifest["shards"]:
        assert shard["path"] == f"{shard['name']}/"
        assert (bundle / shard["path"] / "pagefind.js").is_file()
        urls = shard_urls(bundle, shard["name"])
        assert len(urls) == shard["pages"]
        # A quarter's or a month's pages keep their year as the year filter value.
        assert {tuple(years) for years in urls.values()} == {(shard["name"][:4],)}
        seen.update(urls)
    assert [len(shard_urls(bundle, name)) for name in NAMES[:4]] == [1, 1, 1, 3]
    # Every paper page in exactly one shard, at its own URL.
    assert sorted(seen) == sorted(f"/papers/p{n}/" for n in range(40))


def test_the_manifest_bytes_depend_only_on_the_pages(tmp_path):
    for site in (tmp_path / "a", tmp_path / "b"):
        write_filtered_site(site)
        build_index(site, IndexOptions())
    manifest = (tmp_path / "a" / "pagefind" / "shards.json").read_bytes()
    assert manifest == (tmp_path / "b" / "pagefind" / "shards.json").read_bytes()
    assert manifest.endswith(b"}\n") and b" " not in manifest


def change_paper(site, n, old="words", new="phrases"):
    page = site / "papers" / f"p{n}" / "index.html"
    page.write_text(page.read_text().replace(old, new))


def test_only_changed_shards_are_indexed_and_equal_a_fresh_build(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache" / CACHE_DIR
    write_filtered_site(site)
    assert len(build_index(site, IndexOptions(), cache=cache).indexed) == 9
    # Like Pelican with DELETE_OUTPUT_DIRECTORY: the bundle is gone, the cache is not.
    shutil.rmtree(site / "pagefind")
    change_paper(site, 3)  # a 2023 page
    stats = build_index(site, IndexOptions(), cache=cache)
    assert stats.indexed == ("2023",)
    incremental = bundle_files(site / "pagefind")

    fresh = tmp_path / "fresh"
    shutil.copytree(site / "papers", fresh / "papers")
    assert len(build_index(fresh, IndexOptions()).indexed) == 9
    assert bundle_files(fresh / "pagefind") == incremental
    # The cache now holds the same shards and manifest as the output (and the page memo).
    kept = bundle_files(cache)
    assert kept.pop("pages.json") and kept == incremental


def test_a_kept_output_bundle_is_reused_without_a_cache(tmp_path):
    write_filtered_site(tmp_path)
    build_index(tmp_path, IndexOptions())
    before = bundle_files(tmp_path / "pagefind")
    assert build_index(tmp_path, IndexOptions()).indexed == ()
    assert bundle_files(tmp_path / "pagefind") == before
    change_paper(tmp_path, 5)  # a 2025 page of January
    assert build_index(tmp_path, IndexOptions()).indexed == ("2025-q1",)


def move_paper(site, n, day):
    """Paper `n` listed on `day` (YYYY-MM-DD) instead."""
    page = site / "papers" / f"p{n}" / "index.html"
    text = re.sub(r"year:[0-9]{4}", f"year:{day[:4]}", page.read_text())
    page.write_text(re.sub(r"date:[0-9-]{10}", f"date:{day}", text))


def names_in(folder):
    return [s["name"] for s in json.loads((folder / "shards.json").read_text())["shards"]]


def test_a_new_year_closes_the_last_one_once_the_recent_days_are_past_it(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_filtered_site(site, count=12)  # 2020-2025, two pages each
    move_paper(site, 5, "2025-11-20")
    move_paper(site, 11, "2025-12-30")
    build_index(site, IndexOptions(), cache=cache)
    assert names_in(site / "pagefind")[:3] == ["2025-12", "2025-11", "2024"]
    # The first day of 2026 (a 2020 page moves there): 2025 stays open, its last days may
    # still change.
    move_paper(site, 0, "2026-01-05")
    stats = build_index(site, IndexOptions(), cache=cache)
    assert sorted(stats.indexed) == ["2020", "2026-01"]
    assert names_in(site / "pagefind")[:4] == ["2026-01", "2025-12", "2025-11", "2024"]
    # Fifteen days into 2026 (the last 2020 page moves there): 2025 closes into one shard,
    # indexed once more, and the emptied 2020 is gone.
    move_paper(site, 6, "2026-01-15")
    stats = build_index(site, IndexOptions(), cache=cache)
    assert sorted(stats.indexed) == ["2025", "2026-01"]
    for folder in (site / "pagefind", cache):
        assert names_in(folder) == ["2026-01", "2025", "2024", "2023", "2022", "2021"]
        assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == [
            "2021", "2022", "2023", "2024", "2025", "2026-01"]
    assert bundle_files(site / "pagefind") == fresh_bundle(site, tmp_path / "fresh")


def test_a_quarter_closes_into_one_shard_once_the_recent_days_are_past_it(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache" / CACHE_DIR
    write_filtered_site(site)
    build_index(site, IndexOptions(), cache=cache)
    shutil.rmtree(site / "pagefind")  # as in CI: only the cache is kept
    move_paper(site, 0, "2025-07-14")  # July 14: June 30 is within the recent 14 days
    assert "2025-q2" not in build_index(site, IndexOptions(), cache=cache).indexed
    move_paper(site, 0, "2025-07-15")  # July 15: April to June are past them
    stats = build_index(site, IndexOptions(), cache=cache)
    assert sorted(stats.indexed) == ["2025-07", "2025-q2"]
    assert names_in(site / "pagefind")[:3] == ["2025-07", "2025-q2", "2025-q1"]
    assert bundle_files(site / "pagefind") == fresh_bundle(site, tmp_path / "fresh")


def fresh_bundle(site, folder):
    """The bundle a clean build of `site`'s pages gives."""
    shutil.copytree(site / "papers", folder / "papers")
    build_index(folder, IndexOptions())
    return bundle_files(folder / "pagefind")


def test_a_page_moving_to_another_month_reindexes_both_and_equals_a_fresh_build(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache" / CACHE_DIR
    write_filtered_site(site)
    build_index(site, IndexOptions(), cache=cache)
    shutil.rmtree(site / "pagefind")
    move_paper(site, 29, "2025-04-30")  # May 2 -> April 30: May is left empty
    stats = build_index(site, IndexOptions(), cache=cache)
    assert stats.indexed == ("2025-04",)
    assert bundle_files(site / "pagefind") == fresh_bundle(site, tmp_path / "fresh")
    assert names_in(site / "pagefind")[:3] == ["2025-06", "2025-04", "2025-q1"]
    assert "/papers/p29/" in shard_urls(site / "pagefind", "2025-04")


def test_an_open_year_page_without_a_date_goes_to_the_year_shard(tmp_path):
    write_filtered_site(tmp_path)
    change_paper(tmp_path, 11, old='data-pagefind-sort="date:', new='data-pagefind-sort="day:')
    build_index(tmp_path, IndexOptions())
    manifest = json.loads((tmp_path / "pagefind" / "shards.json").read_text())
    assert [(s["name"], s["pages"]) for s in manifest["shards"]][:6] == [
        ("2025-06", 1), ("2025-05", 1), ("2025-04", 1), ("2025-q1", 2), ("2025", 1),
        ("2024", 6)]


@pytest.mark.parametrize("split, names", [
    ("quarter", ["2025-q2", "2025-q1", "2024"]),
    ("none", ["2025", "2024"]),
])
def test_the_open_year_can_be_split_by_quarter_or_not_at_all(tmp_path, split, names):
    write_filtered_site(tmp_path)
    build_index(tmp_path, read_options({"PAGEFIND_INDEX": {"split_newest": split}}))
    assert names_in(tmp_path / "pagefind")[:len(names)] == names


def test_the_page_memo_reads_only_pages_whose_size_or_mtime_changed(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_filtered_site(site)
    build_index(site, IndexOptions(), cache=cache)
    assert (cache / "pages.json").is_file()
    # Same size, same mtime: the page is taken to be unchanged and not read again.
    page = site / "papers" / "p3" / "index.html"
    stat = page.stat()
    change_paper(site, 3, old="words", new="wordz")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert build_index(site, IndexOptions(), cache=cache).indexed == ()
    # A new mtime (every real write gives one): read again, and its shard indexed again.
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert build_index(site, IndexOptions(), cache=cache).indexed == ("2023",)
    # An unreadable memo is only a slower scan.
    (cache / "pages.json").write_text("{not json")
    change_paper(site, 4, old="words", new="wordy")
    assert build_index(site, IndexOptions(), cache=cache).indexed == ("2024",)
    assert bundle_files(site / "pagefind") == fresh_bundle(site, tmp_path / "fresh")


def test_a_broken_or_partial_cache_is_indexed_again(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_filtered_site(site)
    build_index(site, IndexOptions(), cache=cache)
    shutil.rmtree(site / "pagefind")
    shutil.rmtree(cache / "2021")  # listed in the manifest, but its files are gone
    assert build_index(site, IndexOptions(), cache=cache).indexed == ("2021",)
    shutil.rmtree(site / "pagefind")
    (cache / "shards.json").write_text("{not json")
    assert len(build_index(site, IndexOptions(), cache=cache).indexed) == 9


def test_other_settings_index_every_shard_again(tmp_path):
    write_filtered_site(tmp_path)
    build_index(tmp_path, IndexOptions())
    stats = build_index(tmp_path, IndexOptions(force_language="en"))
    assert len(stats.indexed) == 9


def test_a_shard_value_that_cannot_name_a_folder_is_refused_with_its_page(tmp_path):
    write_filtered_site(tmp_path, count=3)
    change_paper(tmp_path, 1, old="year:2021", new="year:../x")
    with pytest.raises(PagefindIndexError, match=r"papers/p1/index.html: year value '\.\./x'"):
        build_index(tmp_path, IndexOptions())
    assert not (tmp_path / "pagefind").exists()


def test_the_shard_filter_is_a_setting(tmp_path):
    write_filtered_site(tmp_path, count=10)
    options = read_options({"PAGEFIND_INDEX": {"shard_filter": "organisation"}})
    stats = build_index(tmp_path, options)
    # organisation comes from the element's text here, not from "name:value": no value in the
    # attribute, so every page is in "other".
    assert stats.shards == 1
    with pytest.raises(PagefindIndexError, match="shard_filter"):
        read_options({"PAGEFIND_INDEX": {"shard_filter": "a b"}})


# --- early start: indexing alongside the rest of the Pelican run ---------------------------

class FakeRun:
    """What the two signal receivers read from Pelican's generator and Pelican objects."""

    def __init__(self, site, cache, **settings):
        self.output_path = str(site)
        self.settings = {"CACHE_PATH": str(cache), "PAGEFIND_INDEX": settings}


def test_an_early_run_is_waited_for_and_gives_the_same_bundle(tmp_path):
    from pagefind_index.pagefind_index import _started, index_site, start_early

    write_filtered_site(tmp_path / "late")
    index_site(FakeRun(tmp_path / "late", tmp_path / "c1", early=False))
    write_filtered_site(tmp_path / "early")
    run = FakeRun(tmp_path / "early", tmp_path / "c2", early=True)
    start_early(run)
    assert str((tmp_path / "early").resolve()) in _started  # indexing began before finalized
    index_site(run)  # joins the thread
    assert bundle_files(tmp_path / "early" / "pagefind") == bundle_files(
        tmp_path / "late" / "pagefind")
    assert (tmp_path / "c2" / CACHE_DIR / "shards.json").is_file()


def test_an_early_run_that_fails_fails_the_build_at_the_end(tmp_path):
    from pagefind_index.pagefind_index import index_site, start_early

    write_filtered_site(tmp_path, count=3)
    change_paper(tmp_path, 1, old="year:2021", new="year:../x")
    run = FakeRun(tmp_path, tmp_path / "cache", early=True)
    start_early(run)
    with pytest.raises(PagefindIndexError, match=r"papers/p1/index\.html"):
        index_site(run)


def test_a_shard_is_read_through_one_glob_of_its_pages():
    assert page_glob(["papers/2708.1/index.html", "papers/2708.2/index.html"]) == \
        "papers/{2708.1,2708.2}/index.html"
    assert page_glob(["papers/a/index.html"]) == "papers/a/{index.html}"
    assert page_glob(["index.html", "papers/b/index.html"]) == "{index.html,papers/b/index.html}"
    # Characters a glob would read as syntax: no glob, the pages are linked into a folder.
    assert page_glob(["papers/a,b/index.html"]) is None
    assert page_glob(["papers/{a}/index.html"]) is None


def test_linked_pages_and_a_glob_of_them_give_the_same_bundle(tmp_path, monkeypatch):
    write_filtered_site(tmp_path / "glob")
    build_index(tmp_path / "glob", IndexOptions())
    write_filtered_site(tmp_path / "linked")
    monkeypatch.setattr("pagefind_index.pagefind_index.page_glob", lambda pages: None)
    build_index(tmp_path / "linked", IndexOptions())
    assert bundle_files(tmp_path / "linked" / "pagefind") == \
        bundle_files(tmp_path / "glob" / "pagefind")


def test_the_search_shards_close_no_sooner_than_the_daily_workflow_stops_refetching():
    # A day the workflow fetches again must never fall in a closed quarter or year, or every
    # daily build would index that whole quarter or year again.
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "daily.yml").read_text())
    settings = runpy.run_path(str(REPO / "pelicanconf.py"))
    assert read_options(settings).recent_days >= int(workflow["env"]["RECENT_DAYS"])
