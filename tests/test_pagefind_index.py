"""The Pagefind indexing step, run against small hand-written sites (no Pelican needed)."""

import gzip
import json
import os
import shutil

import pytest
from pagefind_index.canonical import UnexpectedBundle, canonicalize, decode, encode, read_chunk
from pagefind_index.pagefind_index import (
    CACHE_DIR,
    IndexOptions,
    PagefindIndexError,
    build_index,
    index_site,
    pagefind_command,
    read_options,
)
from pagefind_index.pages import search_word, vocabulary

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
    assert stats.pages == 2 and stats.indexed
    assert (bundle / "pagefind.js").is_file()
    assert json.loads((bundle / "bundle.json").read_text())["pages"] == 2
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 2
    assert stats.files == sum(1 for p in bundle.rglob("*") if p.is_file())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_reindexing_after_a_page_changed_replaces_the_old_files(tmp_path):
    write_site(tmp_path, {"a": ("Sparse Attention", "We prune heads.")})
    build_index(tmp_path, IndexOptions())
    stale = tmp_path / "pagefind" / "fragment" / "stale.pf_fragment"
    stale.write_bytes(b"old")
    page = tmp_path / "papers" / "a" / "index.html"
    page.write_text(page.read_text().replace("prune", "trim"))
    stats = build_index(tmp_path, IndexOptions())
    assert stats.pages == 1 and stats.indexed
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
    with pytest.raises(PagefindIndexError,
                       match=r"pagefind failed on .*site(.|\n)*exit 3(.|\n)*something broke"):
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
    ({"split_newest": "month"}, r"unknown key\(s\) split_newest"),
    (["enabled"], "expected a dict"),
])
def test_bad_settings_name_the_key(value, message):
    with pytest.raises(PagefindIndexError, match=message):
        read_options({"PAGEFIND_INDEX": value})


def test_the_built_site_indexes_every_paper_page_and_nothing_else(built_site):
    bundle = built_site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    paper_pages = list((built_site / "papers").glob("*/index.html"))
    assert entry["languages"]["en"]["page_count"] == len(paper_pages) > 0
    assert json.loads((bundle / "bundle.json").read_text())["pages"] == len(paper_pages)
    bodies = [page for page in built_site.rglob("*.html")
              if "data-pagefind-body" in page.read_text(encoding="utf-8")]
    assert sorted(bodies) == sorted(paper_pages)
    assert [p.name for p in built_site.iterdir() if p.name.startswith(".pagefind")] == []
    # What search.js loads, and none of Pagefind's unused ready-made UIs.
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-worker.js").is_file()
    assert sorted(p.name for p in bundle.glob("pagefind-*")) == [
        "pagefind-entry.json", "pagefind-worker.js"]
    words = json.loads((bundle / "words.json").read_text())
    assert len(words["words"]) == len(words["titles"]) > 0


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
        shutil.rmtree(tmp_path / "pagefind")  # nothing to reuse: indexed again
        assert build_index(tmp_path, IndexOptions()).indexed
        assert bundle_files(tmp_path / "pagefind") == first
    assert len([name for name in first if name.startswith("filter/")]) == 3


def test_filters_keep_every_value_and_page_after_sorting(tmp_path):
    write_filtered_site(tmp_path)
    build_index(tmp_path, IndexOptions(reproducible=False))
    raw = tmp_path / "pagefind"

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
    bundle = tmp_path / "pagefind"
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


# --- reuse: a build whose paper pages did not change keeps the bundle ------------------------

def change_paper(site, n, old, new):
    page = site / "papers" / f"p{n}" / "index.html"
    page.write_text(page.read_text().replace(old, new, 1))


def fresh_bundle(site, elsewhere):
    shutil.copytree(site, elsewhere, ignore=shutil.ignore_patterns("pagefind"))
    build_index(elsewhere, IndexOptions())
    return bundle_files(elsewhere / "pagefind")


def test_unchanged_pages_keep_the_bundle_and_a_changed_page_equals_a_fresh_build(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_filtered_site(site)
    assert build_index(site, IndexOptions(), cache=cache).indexed
    before = bundle_files(site / "pagefind")
    stats = build_index(site, IndexOptions(), cache=cache)
    assert not stats.indexed and stats.pages == 40
    assert bundle_files(site / "pagefind") == before
    change_paper(site, 3, old="words", new="other words")
    assert build_index(site, IndexOptions(), cache=cache).indexed
    assert bundle_files(site / "pagefind") == fresh_bundle(site, tmp_path / "fresh")
    # The cache holds the same bundle as the output, and the page memo.
    assert bundle_files(cache / "bundle") == bundle_files(site / "pagefind")
    assert (cache / "pages.json").is_file()


def test_a_cleaned_output_takes_the_bundle_from_the_cache(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_filtered_site(site)
    build_index(site, IndexOptions(), cache=cache)
    before = bundle_files(site / "pagefind")
    shutil.rmtree(site / "pagefind")
    assert not build_index(site, IndexOptions(), cache=cache).indexed
    assert bundle_files(site / "pagefind") == before
    # A cache without its stamp (a copy cut short) is never taken for a bundle.
    shutil.rmtree(site / "pagefind")
    (cache / "bundle" / "bundle.json").unlink()
    assert build_index(site, IndexOptions(), cache=cache).indexed
    assert bundle_files(site / "pagefind") == before


def test_the_page_memo_reads_only_pages_whose_size_or_mtime_changed(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_filtered_site(site)
    build_index(site, IndexOptions(), cache=cache)
    # Same size, same mtime: the page is taken to be unchanged and not read again.
    page = site / "papers" / "p3" / "index.html"
    stat = page.stat()
    change_paper(site, 3, old="words", new="wordz")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not build_index(site, IndexOptions(), cache=cache).indexed
    # A new mtime (every real write gives one): read again, and indexed again.
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert build_index(site, IndexOptions(), cache=cache).indexed
    # An unreadable memo is only a slower scan.
    (cache / "pages.json").write_text("{not json")
    change_paper(site, 4, old="words", new="wordy")
    assert build_index(site, IndexOptions(), cache=cache).indexed
    assert bundle_files(site / "pagefind") == fresh_bundle(site, tmp_path / "fresh")


def test_other_settings_index_again(tmp_path):
    write_filtered_site(tmp_path)
    build_index(tmp_path, IndexOptions())
    assert build_index(tmp_path, IndexOptions(force_language="en")).indexed


class FakePelican:
    def __init__(self, site, cache, **settings):
        self.output_path = str(site)
        self.settings = {"CACHE_PATH": str(cache), "PAGEFIND_INDEX": settings}


def test_the_finalized_receiver_indexes_into_the_output_and_its_cache(tmp_path):
    write_filtered_site(tmp_path / "site", count=5)
    index_site(FakePelican(tmp_path / "site", tmp_path / "cache"))
    assert (tmp_path / "site" / "pagefind" / "pagefind.js").is_file()
    assert (tmp_path / "cache" / CACHE_DIR / "bundle" / "bundle.json").is_file()
    index_site(FakePelican(tmp_path / "other", tmp_path / "cache", enabled=False))
    assert not (tmp_path / "other").exists()


# --- the vocabulary the search page suggests spellings from ------------------------------

def test_the_vocabulary_holds_common_title_words_as_search_compares_them():
    titles = ["Diffusion Models for Video", "Video Diffusion Transformers",
              "Model-Based RL with GPT-4o", "Model-based Planning", "GPT-4o Agents",
              "A Diffusion Policy"]
    words = dict(vocabulary(titles))
    # Words of two titles or more, lower case, letters and digits only; no short ones.
    assert words == {"diffusion": 3, "video": 2, "modelbased": 2, "gpt4o": 2}
    assert next(word for word, _ in vocabulary(titles)) == "diffusion"  # most common first
    assert search_word("O'Neil,") == "oneil"


def test_titles_with_math_and_markup_give_their_plain_text(tmp_path):
    write_site(tmp_path, {"a": ("Diffusion &amp; Flow", "x"), "b": ("Diffusion Flow", "y")})
    page = tmp_path / "papers" / "a" / "index.html"
    page.write_text(page.read_text().replace(
        '<h1 data-pagefind-meta="title">Diffusion &amp; Flow</h1>',
        '<h1 data-pagefind-meta="title:RL^2 Diffusion &amp; Flow">RL<math>2</math> Diffusion'
        ' &amp; Flow</h1>'))
    build_index(tmp_path, IndexOptions())
    words = json.loads((tmp_path / "pagefind" / "words.json").read_text())
    assert words["words"] == ["diffusion", "flow"]
    assert words["titles"] == [2, 2]
