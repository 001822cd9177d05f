"""sitemap.xml and robots.txt from a written site folder."""

import json
import os

import pytest
from lxml import etree

from plugins.archive_seo.archive_seo import (
    SeoOptions,
    page_url,
    read_options,
    robots_txt,
    write_seo_files,
    write_sitemaps,
)

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def write(path, text="<!DOCTYPE html><title>x</title>"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_sitemap_lists_pages_and_skips_noindex_and_assets(tmp_path):
    write(tmp_path / "index.html")
    write(tmp_path / "papers" / "2608.00001" / "index.html")
    write(tmp_path / "2026" / "08" / "28" / "index.html")
    write(tmp_path / "404.html", '<meta name="robots" content="noindex"><title>x</title>')
    write(tmp_path / "pagefind" / "x.html")
    write(tmp_path / "theme" / "css" / "main.css", "body{}")
    count = write_seo_files(tmp_path, "https://example.org/archive", SeoOptions())
    assert count == 3
    tree = etree.parse(str(tmp_path / "sitemap.xml"))
    locs = [el.text for el in tree.iter(f"{SITEMAP_NS}loc")]
    assert locs == [
        "https://example.org/archive/",
        "https://example.org/archive/2026/08/28/",
        "https://example.org/archive/papers/2608.00001/",
    ]
    robots = (tmp_path / "robots.txt").read_text()
    assert "Sitemap: https://example.org/archive/sitemap.xml" in robots
    assert "Disallow: /\n" not in robots


def test_urls_are_escaped(tmp_path):
    write(tmp_path / "a&b.html")
    write_seo_files(tmp_path, "https://example.org", SeoOptions())
    assert "a&amp;b.html" in (tmp_path / "sitemap.xml").read_text()


def test_page_url():
    assert page_url("https://x.org/", "index.html") == "https://x.org/"
    assert page_url("https://x.org", "tags/rl/2/index.html") == "https://x.org/tags/rl/2/"
    assert page_url("https://x.org", "archive.html") == "https://x.org/archive.html"


def test_robots_txt():
    assert robots_txt("https://x.org/") == (
        "User-agent: *\nAllow: /\n\nSitemap: https://x.org/sitemap.xml\n"
    )
    # A relative sitemap URL is invalid in robots.txt: local builds name none.
    assert robots_txt("") == "User-agent: *\nAllow: /\n"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"ARCHIVE_SEO": []}, "expected a dict"),
        ({"ARCHIVE_SEO": {"nope": 1}}, "unknown key(s) nope"),
        ({"ARCHIVE_SEO": {"enabled": "yes"}}, "enabled"),
        ({"ARCHIVE_SEO": {"exclude_dirs": "theme"}}, "exclude_dirs"),
    ],
)
def test_bad_settings_are_named(settings, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_options(settings)


# --- the page cache: a rebuild opens only the pages written since the last walk --------------

def sitemap_locs(folder):
    tree = etree.parse(str(folder / "sitemap.xml"))
    return [el.text for el in tree.iter(f"{SITEMAP_NS}loc")]


def test_cached_walk_sees_new_changed_and_removed_pages(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache" / "pages.json"
    write(site / "index.html")
    write(site / "a" / "index.html")
    write(site / "b" / "index.html")
    assert write_seo_files(site, "https://x.org", SeoOptions(), cache) == 3
    assert cache.exists()
    (site / "a" / "index.html").unlink()
    write(site / "b" / "index.html", '<meta name="robots" content="noindex"><title>b</title>')
    write(site / "c" / "index.html")
    assert write_seo_files(site, "https://x.org", SeoOptions(), cache) == 2
    assert sitemap_locs(site) == ["https://x.org/", "https://x.org/c/"]


def test_cached_walk_does_not_open_a_page_whose_size_and_mtime_are_unchanged(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "pages.json"
    page = site / "a" / "index.html"
    write(page, "<title>a page of some length</title>")
    write_seo_files(site, "https://x.org", SeoOptions(), cache)
    stat = page.stat()
    page.write_text('<meta name="robots" content="noindex">'[: len(page.read_text())])
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert write_seo_files(site, "https://x.org", SeoOptions(), cache) == 1  # from the cache
    assert write_seo_files(site, "https://x.org", SeoOptions()) == 0  # read: it is noindex


@pytest.mark.parametrize("text", ["", "{", '{"format": 1, "pages": {"a.html": [1, 2]}}',
                                  '{"format": 1, "pages": []}', '["x"]'])
def test_an_unreadable_page_cache_is_ignored(tmp_path, text, caplog):
    site, cache = tmp_path / "site", tmp_path / "pages.json"
    write(site / "index.html")
    write(site / "404.html", '<meta name="robots" content="noindex"><title>x</title>')
    cache.write_text(text, encoding="utf-8")
    assert write_seo_files(site, "https://x.org", SeoOptions(), cache) == 1
    assert sitemap_locs(site) == ["https://x.org/"]
    assert json.loads(cache.read_text(encoding="utf-8"))["format"] == 1


def test_a_sitemap_over_the_url_limit_is_split_under_one_index(tmp_path):
    """The sitemaps protocol allows 50,000 URLs a file (a 100,000-paper archive has more):
    sitemap.xml becomes the index of parts that together list every URL once."""
    urls = [f"https://x.org/papers/{n:03}/" for n in range(5)]
    assert write_sitemaps(tmp_path, "https://x.org", urls, per_file=2) == [
        "sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    index = etree.parse(str(tmp_path / "sitemap.xml")).getroot()
    assert index.tag == f"{SITEMAP_NS}sitemapindex"
    parts = [el.text for el in index.iter(f"{SITEMAP_NS}loc")]
    assert parts == [f"https://x.org/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = []
    for part in parts:
        tree = etree.parse(str(tmp_path / part.removeprefix("https://x.org/")))
        locs = [el.text for el in tree.iter(f"{SITEMAP_NS}loc")]
        assert tree.getroot().tag == f"{SITEMAP_NS}urlset" and 0 < len(locs) <= 2
        listed += locs
    assert listed == urls
    # Back under the limit: one sitemap again, and no part left behind for crawlers to find.
    write(tmp_path / "sitemap-9.xml.bak", "not ours")
    assert write_sitemaps(tmp_path, "https://x.org", urls) == ["sitemap.xml"]
    assert sitemap_locs(tmp_path) == urls
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sitemap-9.xml.bak", "sitemap.xml"]
