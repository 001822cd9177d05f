"""A rebuild with the previous build's output and caches gives the same site, byte for byte, as
a clean build of the same listings: after a day is added, or a day of a new year (both with
search: the last year's month shards close into a year shard; the others leave it off, so
they stay quick), an old paper's upvotes change, a paper is removed, a template or a
setting is edited, an output file is deleted or edited by hand, or a build is killed part-way.
Each rebuild's log line says how many pages were rendered and how many were skipped
(plugins/archive_writer), and the tests check those counts too.

Every file is compared, the search index too: Pagefind writes `pagefind-entry.json`, the
`*.pf_meta` metadata and the `filter/*.pf_filter` files in a random order on every run, but the
pagefind_index plugin rewrites them in a fixed order (plugins/pagefind_index/canonical.py), and
a search shard kept from the previous build's cache (cache/search/) must be the same bytes as
one indexed afresh.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_helpers import (
    FIXTURE_ARCHIVE,
    REPO,
    assert_same_site,
    build_site,
    counts,
    pages_of,
    run_until_paused,
    split_last_day,
)

from paperarchive.listing_io import load_archive, write_listing

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("wide_log")]

NO_SEARCH = {"PAGEFIND_INDEX": {"enabled": False}}
def indexed_pages(output: Path) -> int:
    entries = [json.loads(path.read_text())
               for path in (output / "pagefind").glob("pagefind-entry.json")]
    return sum(language["page_count"] for entry in entries
               for language in entry["languages"].values())


def copy_listings(target: Path, source: Path = FIXTURE_ARCHIVE) -> Path:
    shutil.copytree(source, target)
    return target


def edited_theme(target: Path) -> Path:
    """A copy of the theme whose footer (on every page) says one thing more."""
    theme = shutil.copytree(REPO / "theme", target)
    footer = theme / "templates" / "partials" / "site_footer.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("</footer>",
                                                                  "<p>All days</p></footer>"),
                      encoding="utf-8")
    return theme


def test_adding_a_day_and_rebuilding_with_caches_equals_a_clean_build(tmp_path):
    before, after = split_last_day(tmp_path)

    daily = tmp_path / "daily"
    build_site(before, daily, topic_cache=True)
    assert (daily / "cache" / "render" / "topics.json").exists()
    assert (daily / "cache" / "search" / "bundle" / "bundle.json").exists()
    assert len(list((daily / "cache").iterdir())) > 1, "Pelican left no content cache"
    first = counts(daily)
    assert first[1] == 0 and first[0] == pages_of(daily / "output")  # a fresh build
    rebuilt = build_site(after, daily, topic_cache=True)
    clean = build_site(after, tmp_path / "clean")

    assert_same_site(rebuilt, clean)
    assert indexed_pages(rebuilt) == indexed_pages(clean) > 0
    rendered, skipped, removed = counts(daily)
    # The new day's papers, day, month, year, home, archive, topic and organisation pages are
    # new or changed; the other days' papers and pages are not.
    assert skipped > 0 and rendered > 0
    assert rendered + skipped == pages_of(clean)
    assert removed == 0
    assert counts(tmp_path / "clean") == (pages_of(clean), 0, 0)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A finished build (search off) of the fixture listings: listings/, cache/, output/."""
    workdir = tmp_path_factory.mktemp("base")
    build_site(copy_listings(workdir / "listings"), workdir, settings=NO_SEARCH)
    return workdir


def copy_build(source: Path, target: Path) -> Path:
    """A copy of a build's work directory that rebuilds incrementally in its new place."""
    shutil.copytree(source, target)  # copy2: sizes and mtimes (ns) are kept
    settings = target / "testconf.py"
    settings.write_text(settings.read_text(encoding="utf-8").replace(str(source), str(target)),
                        encoding="utf-8")
    manifest = target / "cache" / "archive_writer" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["output"] = str((target / "output").resolve())
    manifest.write_text(json.dumps(data), encoding="utf-8")
    return target


def rebuild_and_compare(workdir: Path, tmp_path: Path, settings: dict | None = None,
                        clean_settings: dict | None = None) -> tuple[int, int, int]:
    """Rebuild `workdir` from its listings, build the same listings clean, compare both;
    return the rebuild's (rendered, skipped, removed)."""
    listings = workdir / "listings"
    rebuilt = build_site(listings, workdir, settings={**NO_SEARCH, **(settings or {})})
    clean = build_site(listings, tmp_path / "clean",
                       settings={**NO_SEARCH, **(clean_settings or settings or {})})
    assert_same_site(rebuilt, clean)
    return counts(workdir)


def test_a_rebuild_with_nothing_changed_renders_nothing(base, tmp_path):
    workdir = copy_build(base, tmp_path / "build")
    rendered, skipped, removed = rebuild_and_compare(workdir, tmp_path)
    assert (rendered, removed) == (0, 0) and skipped == pages_of(workdir / "output")


def change_upvotes(listings: Path, day_index: int, paper_index: int, upvotes: int) -> str:
    archive = load_archive(listings)
    listing = archive[day_index]
    papers = list(listing.papers)
    papers[paper_index] = dataclasses.replace(papers[paper_index], upvotes=upvotes)
    write_listing(listings, dataclasses.replace(listing, papers=tuple(papers)))
    return papers[paper_index].id


def test_an_old_papers_new_upvotes_rerender_its_page_its_day_and_its_neighbours(base, tmp_path):
    workdir = copy_build(base, tmp_path / "build")
    output = workdir / "output"
    before = {path: path.read_bytes() for path in output.rglob("*.html")}
    feed_lists = ("feeds/index.html", "feeds/feeds.opml", "feeds/feeds.atom.opml")
    stamps = {name: (output / name).stat().st_mtime_ns for name in feed_lists}
    paper_id = change_upvotes(workdir / "listings", 0, 0, 9999)
    rendered, skipped, removed = rebuild_and_compare(workdir, tmp_path)
    # The list of feeds is the same: the feeds page and the OPML files are not written again.
    assert {name: (output / name).stat().st_mtime_ns for name in feed_lists} == stamps
    changed = {path.relative_to(output).as_posix() for path, data in before.items()
               if path.read_bytes() != data}
    assert f"papers/{paper_id}/index.html" in changed
    assert "2025/12/11/index.html" in changed  # its day: the order and the count shown
    # Its neighbours list its upvotes ("More from this day"): their pages changed too.
    neighbours = {name for name in changed if name.startswith("papers/")} - {
        f"papers/{paper_id}/index.html"}
    assert neighbours
    # Exactly the pages whose bytes changed were rendered (plus none that stayed equal).
    assert rendered >= len(changed) and skipped > 0 and removed == 0
    assert rendered + skipped == len(before)


def test_a_removed_paper_leaves_no_page_and_no_link(base, tmp_path):
    workdir = copy_build(base, tmp_path / "build")
    archive = load_archive(workdir / "listings")
    listing = archive[-1]
    gone = listing.papers[-1].id
    write_listing(workdir / "listings",
                  dataclasses.replace(listing, papers=listing.papers[:-1]))
    rendered, skipped, removed = rebuild_and_compare(workdir, tmp_path)
    assert not (workdir / "output" / "papers" / gone).exists()
    assert removed >= 1 and skipped > 0 and rendered > 0
    sitemap = (workdir / "output" / "sitemap.xml").read_text(encoding="utf-8")
    assert gone not in sitemap


def test_an_edited_template_renders_every_page(base, tmp_path):
    workdir = copy_build(base, tmp_path / "build")
    theme = edited_theme(tmp_path / "theme")
    rendered, skipped, removed = rebuild_and_compare(workdir, tmp_path,
                                                     settings={"THEME": str(theme)})
    assert skipped == 0 and rendered == pages_of(workdir / "output") and removed == 0
    assert "All days" in (workdir / "output" / "index.html").read_text(encoding="utf-8")


def test_an_edited_setting_renders_every_page(base, tmp_path):
    workdir = copy_build(base, tmp_path / "build")
    rendered, skipped, _removed = rebuild_and_compare(
        workdir, tmp_path, settings={"SITENAME": "Another Archive"})
    assert skipped == 0 and rendered == pages_of(workdir / "output")


def test_output_files_deleted_or_edited_by_hand_are_written_again(base, tmp_path):
    workdir = copy_build(base, tmp_path / "build")
    output = workdir / "output"
    deleted = output / "tags" / "index.html"
    deleted.unlink()
    edited = sorted((output / "papers").rglob("index.html"))[0]
    edited.write_bytes(edited.read_bytes().replace(b"<h1", b"<h1 class=x", 1))
    # Same size, so only the bytes tell: the mtime moved, the recorded hash does not match.
    same_size = sorted((output / "papers").rglob("index.html"))[1]
    data = same_size.read_bytes()
    same_size.write_bytes(data.replace(b"<h1", b"<h2", 1))
    rendered, skipped, _removed = rebuild_and_compare(workdir, tmp_path)
    assert rendered == 3 and skipped == pages_of(output) - 3
    assert same_size.read_bytes() == data


def test_an_untouched_file_with_a_new_mtime_is_kept_by_its_bytes(base, tmp_path):
    """As after a cache restore that does not keep timestamps exactly."""
    workdir = copy_build(base, tmp_path / "build")
    for path in (workdir / "output").rglob("*.html"):
        path.touch()
    rendered, skipped, _removed = rebuild_and_compare(workdir, tmp_path)
    assert rendered == 0 and skipped == pages_of(workdir / "output")


def test_a_build_started_without_a_manifest_starts_from_a_clean_output(base, tmp_path):
    workdir = copy_build(base, tmp_path / "build")
    (workdir / "cache" / "archive_writer" / "manifest.json").unlink()
    junk = workdir / "output" / "papers" / "not-a-paper" / "index.html"
    junk.parent.mkdir()
    junk.write_text("<p>left over</p>", encoding="utf-8")
    bundle = workdir / "output" / "pagefind" / "kept.txt"  # pagefind_index's, never ours
    bundle.parent.mkdir()
    bundle.write_text("search", encoding="utf-8")
    rebuilt = build_site(workdir / "listings", workdir, settings=NO_SEARCH)
    rendered, skipped, _removed = counts(workdir)
    assert not junk.exists() and bundle.exists()
    bundle.unlink()
    bundle.parent.rmdir()
    assert_same_site(rebuilt, base / "output")
    assert skipped == 0 and rendered == pages_of(rebuilt)


def test_a_build_that_empties_the_output_folder_leaves_no_manifest(base, tmp_path):
    """`pelican -d` (DELETE_OUTPUT_DIRECTORY): the next build cannot trust the old manifest."""
    workdir = copy_build(base, tmp_path / "build")
    manifest = workdir / "cache" / "archive_writer" / "manifest.json"
    build_site(workdir / "listings", workdir,
               settings={**NO_SEARCH, "DELETE_OUTPUT_DIRECTORY": True})
    assert not manifest.exists()
    rendered, skipped, _removed = rebuild_and_compare(workdir, tmp_path)
    assert skipped == 0 and rendered == pages_of(workdir / "output") and manifest.exists()


# Runs Pelican with page writing stopped (SIGKILL) after the ninth page is complete, as in
# tests/test_interrupted.py.
PAGE_WRAPPER = """
import sys, time
from archive_writer import archive_writer
marker, calls = sys.argv[1], []
real_exit = archive_writer.AtomicFile.__exit__
def exit_then_pause(self, *args):
    real_exit(self, *args)
    calls.append(self.path)
    if len(calls) == 9:
        open(marker, "w").close()
        time.sleep(120)
archive_writer.AtomicFile.__exit__ = exit_then_pause
from pelican import main
main(sys.argv[2:])
"""


def test_a_build_killed_part_way_leaves_nothing_wrong_for_the_next(base, tmp_path):
    """The killed build writes nine pages from another template, then dies before its
    manifest; the next build (the original template again) must not trust those pages."""
    workdir = copy_build(base, tmp_path / "build")
    theme = edited_theme(tmp_path / "theme")
    settings = workdir / "testconf.py"
    original = settings.read_text(encoding="utf-8")
    settings.write_text(original + f"THEME = {str(theme)!r}\nPAGEFIND_INDEX = "
                        "{'enabled': False}\n", encoding="utf-8")
    code = PAGE_WRAPPER
    run_until_paused(code, ["--settings", "testconf.py"], tmp_path / "paused", workdir)
    output = workdir / "output"
    changed = [p for p in output.rglob("*.html") if b"All days" in p.read_bytes()]
    assert len(changed) == 9
    settings.write_text(original, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pelican", "--settings", "testconf.py", "-v"],
                            cwd=workdir, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (workdir / "pelican.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    rendered, skipped, _removed = counts(workdir)
    assert rendered == 9 and skipped == pages_of(output) - 9
    assert not list(output.rglob("*.tmp"))
    assert_same_site(output, base / "output")


# --- what the page digests cover --------------------------------------------------------------

# What archive_writer's fingerprint takes from a paper article (plugins/archive_writer/
# fingerprint.py): a page's own `article` and any article in a list, and a neighbour in the
# related lists (`other`). A template that reads anything else from them would not be
# re-rendered when that changes: this test fails first, and the fingerprint must grow.
ARTICLE_READS = {"paper", "listing_day", "topics", "url", "more_from_day", "more_on_topic"}
NEIGHBOUR_READS = {"url", "slug", "paper", "listing_day"}
NEIGHBOUR_PAPER_READS = {"id", "title", "upvotes"}


def attribute_chains(names: set[str]) -> set[tuple[str, ...]]:
    """Every `name.a.b` the theme's templates read, for `name` in `names`, as (name, a, b)."""
    from jinja2 import Environment, nodes

    environment = Environment()
    chains = set()
    for template in sorted((REPO / "theme" / "templates").rglob("*.html")):
        tree = environment.parse(template.read_text(encoding="utf-8"))
        inner = {id(node.node) for node in tree.find_all(nodes.Getattr)}
        for node in tree.find_all(nodes.Getattr):
            if id(node) in inner:
                continue  # part of a longer chain
            chain = [node.attr]
            base = node.node
            while isinstance(base, nodes.Getattr):
                chain.insert(0, base.attr)
                base = base.node
            if isinstance(base, nodes.Name) and base.name in names:
                chains.add((base.name, *chain))
        for node in tree.find_all(nodes.Filter):  # a filter given the whole article
            if isinstance(node.node, nodes.Name) and node.node.name in names:
                chains.add((node.node.name, f"|{node.name}"))
    return chains


def test_templates_read_only_what_the_page_digest_covers():
    chains = attribute_chains({"article", "other"})
    assert ("article", "paper") in {c[:2] for c in chains}  # the scan finds real reads
    assert ("other", "paper", "title") in chains
    for chain in chains:
        if chain[0] == "article":
            assert chain[1] in ARTICLE_READS, chain
        else:
            assert chain[1] in NEIGHBOUR_READS, chain
            if chain[1] == "paper":
                assert len(chain) > 2 and chain[2] in NEIGHBOUR_PAPER_READS, chain


def test_papers_from_the_entry_cache_equal_papers_read_afresh(base, tmp_path):
    from archive_pages import archive
    from archive_pages.plugin import EntryCache
    from archive_reader.archive_reader import parse_generated

    settings = {"CACHE_PATH": str(tmp_path), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    sources = sorted((base / "content" / "papers").rglob("*.md"))
    assert sources
    metadata = {}
    for source in sources:
        values, _html = parse_generated(source.read_text(encoding="utf-8"))
        metadata[str(source)] = {k: v[0] if len(v) == 1 else v for k, v in values.items()}
    first = EntryCache.load(settings)
    fresh = {path: first.entry(meta, path) for path, meta in metadata.items()}
    first.save()
    second = EntryCache.load(settings)
    cached = {path: second.entry(meta, path) for path, meta in metadata.items()}
    assert second.misses == 0 and cached == fresh
    assert {path: found[:3] for path, found in fresh.items()} == {
        path: archive.entry_from_metadata(meta, path) for path, meta in metadata.items()}
    # The entry key stands for the paper, day and topics: one key per distinct entry.
    keys = {found[3]: found[:3] for found in fresh.values()}
    assert len(keys) == len({repr(found[:3]) for found in fresh.values()}) == len(fresh)
    # A changed file (new mtime) is read afresh.
    probe = shutil.copy2(sources[0], tmp_path / "probe.md")
    third = EntryCache.load(settings)
    third.entry(metadata[str(sources[0])], str(probe))
    third.save()
    Path(probe).touch()
    fourth = EntryCache.load(settings)
    fourth.entry(metadata[str(sources[0])], str(probe))
    assert fourth.misses == 1
