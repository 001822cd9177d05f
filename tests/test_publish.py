"""`make publish`: the hosted site. Links between pages are relative; canonical links, og:url,
JSON-LD, feeds, the sitemap and the 404 page's links are absolute, from SITEURL.

The Makefile runs in a scratch checkout under tmp_path (the build's inputs linked from the
repository, content/, cache/ and output/ its own), building the small fixture archive, so the
repository's working tree is never written to.
"""

import json
import os
import re
import runpy
import subprocess
import sys
import urllib.parse
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_ARCHIVE = REPO / "tests" / "data" / "site_archive"
SITEURL = "https://example.org/archive"
BUILD_INPUTS = ("Makefile", "pyproject.toml", "pelicanconf.py", "publishconf.py", "taxonomy.yaml",
                "requirements", "scripts", "paperarchive", "plugins", "theme")
# Attributes that hold a URL a reader's browser or feed reader follows.
URL_ATTRIBUTES = ("href", "src", "action", "content")


def scratch_checkout(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in BUILD_INPUTS:
        (checkout / name).symlink_to(REPO / name)
    return checkout


def make_publish(checkout: Path, siteurl: str | None) -> subprocess.CompletedProcess:
    venv = Path(sys.executable).parent.parent
    env = {key: value for key, value in os.environ.items() if key != "SITEURL"}
    if siteurl is not None:
        env["SITEURL"] = siteurl
    # -o: the test's own virtualenv is already installed; never reinstall into it.
    return subprocess.run(
        ["make", "--no-print-directory", "-o", f"{venv}/.site-installed", "publish",
         f"VENV={venv}", f"LISTINGS={FIXTURE_ARCHIVE}"],
        cwd=checkout, env=env, capture_output=True, text=True, check=False,
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    checkout = scratch_checkout(tmp_path_factory.mktemp("publish"))
    result = make_publish(checkout, SITEURL + "/")
    assert result.returncode == 0, result.stdout + result.stderr
    return checkout / "output"


def urls_in_page(path: Path) -> list[str]:
    page = lxml.html.fromstring(path.read_bytes())
    urls = []
    for element in page.iter():
        for attribute in URL_ATTRIBUTES:
            value = element.get(attribute)
            if value is None or (attribute == "content" and "://" not in value):
                continue
            urls.append(value)
    return urls


def hosted_url(output: Path, page: Path) -> str:
    """Where the host serves `page` (a file under output/)."""
    path = page.relative_to(output).as_posix()
    return f"{SITEURL}/{path.removesuffix('index.html')}"


def hosted_file(output: Path, url: str) -> Path | None:
    """The file the host serves at an absolute `url` on the site, or None if there is none."""
    path = urllib.parse.urlsplit(url).path.removeprefix(urllib.parse.urlsplit(SITEURL).path)
    target = output / urllib.parse.unquote(path).lstrip("/")
    target = target / "index.html" if path.endswith("/") else target
    return target if target.is_file() else None


def broken_links(output: Path, page: Path, base: str) -> list[str]:
    """The links of `page`, read as if served at `base`, that lead to no file of the site:
    relative links (which must stay inside the site's folder) and absolute ones to the site."""
    broken = []
    for url in urls_in_page(page):
        if url.startswith("#") or (urllib.parse.urlsplit(url).scheme
                                   and not url.startswith(SITEURL + "/")):
            continue  # a link out (arXiv, Hugging Face, mailto:, ...)
        absolute = urllib.parse.urljoin(base, url)
        if not absolute.startswith(SITEURL + "/") or hosted_file(output, absolute) is None:
            broken.append(url)
    return broken


def test_every_link_in_every_page_resolves_on_the_hosted_site(published):
    pages = sorted(published.rglob("*.html"))
    assert len(pages) > 10
    broken = {}
    for page in pages:
        bad = broken_links(published, page, hosted_url(published, page))
        if bad:
            broken[str(page.relative_to(published))] = bad
    assert broken == {}


def test_links_between_pages_are_relative(published):
    """Only what must be absolute is: page links carry no copy of the site's address."""
    home = published / "index.html"
    day_links = [url for url in urls_in_page(home) if re.fullmatch(r"(\./)?\d{4}/\d\d/\d\d/", url)]
    assert day_links, "the home page links to its day pages, relative to itself"
    paper = sorted((published / "papers").iterdir())[0] / "index.html"
    absolute = [url for url in urls_in_page(paper) if url.startswith(SITEURL)]
    assert absolute == [f"{SITEURL}/papers/{paper.parent.name}/"] * 2  # canonical and og:url


@pytest.mark.parametrize("missing", ["nope", "papers/nope/", "2025/12/11/nope/deeper/x.html"])
def test_the_404_page_links_work_from_any_missing_path(published, missing):
    page = published / "404.html"
    assert len(urls_in_page(page)) > 5  # stylesheet, script, header, search form, actions
    assert broken_links(published, page, f"{SITEURL}/{missing}") == []


def test_canonical_urls_json_ld_sitemap_and_robots_use_the_site_url(published):
    for paper in sorted((published / "papers").iterdir())[:3]:
        page = lxml.html.fromstring((paper / "index.html").read_bytes())
        expected = f"{SITEURL}/papers/{paper.name}/"
        assert page.xpath("//link[@rel='canonical']/@href") == [expected]
        assert page.xpath("//meta[@property='og:url']/@content") == [expected]
        json_ld = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
        assert json_ld["url"] == expected
    sitemap = lxml.etree.parse(str(published / "sitemap.xml"))
    locations = sitemap.xpath("//s:loc/text()",
                              namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert f"{SITEURL}/" in locations
    assert all(location.startswith(f"{SITEURL}/") for location in locations)
    assert all(hosted_file(published, location) for location in locations)
    robots = (published / "robots.txt").read_text()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots.splitlines()


ATOM = {"a": "http://www.w3.org/2005/Atom"}
# The feed's own address, its site link, and each item's link and id: all on this site.
SITE_LINKS = {
    "atom": "/a:feed/a:id/text() | /a:feed/a:link/@href | //a:entry/a:id/text() "
            "| //a:entry/a:link[not(@rel) or @rel='alternate']/@href",
    "rss": "/rss/channel/link/text() | /rss/channel/a:link/@href | //item/link/text() "
           "| //item/guid/text()",
}


def test_feeds_link_to_the_site_url_and_carry_no_relative_links(published):
    feeds = sorted((published / "feeds").rglob("*.xml"))
    assert {"papers.rss.xml", "papers.atom.xml", "daily.rss.xml", "daily.atom.xml"} <= {
        feed.name for feed in feeds}
    assert any(feed.parent.name == "tags" for feed in feeds)
    for feed in feeds:
        tree = lxml.etree.parse(str(feed))
        kind = "atom" if lxml.etree.QName(tree.getroot()).localname == "feed" else "rss"
        links = tree.xpath(SITE_LINKS[kind], namespaces=ATOM)
        assert len(links) >= 3, feed
        assert [link for link in links if not link.startswith(SITEURL + "/")] == [], feed.name
        # Item bodies are HTML as text: a relative link there breaks in every feed reader.
        bodies = " ".join(tree.xpath("//description/text() | //a:content/text()",
                                     namespaces=ATOM))
        hrefs = re.findall(r'(?:href|src)="([^"]*)"', bodies)
        assert hrefs, feed.name
        assert [href for href in hrefs if not href.startswith(("https://", "http://"))] == []


def test_the_opml_lists_point_at_the_site_url(published):
    for name in ("feeds.opml", "feeds.atom.opml"):
        tree = lxml.etree.parse(str(published / "feeds" / name))
        urls = tree.xpath("//outline/@xmlUrl | //outline/@htmlUrl")
        assert len(urls) >= 8, name
        assert [url for url in urls if not url.startswith(SITEURL + "/")] == [], name


def test_the_search_index_is_part_of_the_published_site(published):
    entries = [json.loads(path.read_text())
               for path in (published / "pagefind").glob("pagefind-entry.json")]
    papers = [page for page in (published / "papers").iterdir() if page.is_dir()]
    assert sum(entry["languages"]["en"]["page_count"] for entry in entries) == len(papers) > 0
    search = lxml.html.fromstring((published / "search" / "index.html").read_bytes())
    bundles = search.xpath("//@data-bundle")
    assert [urllib.parse.urljoin(f"{SITEURL}/search/", url) for url in bundles] == [
        f"{SITEURL}/pagefind/"]


# --- SITEURL validation ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "problem"), [
    (None, "SITEURL is not set"),
    ("", "SITEURL is not set"),
    ("   ", "SITEURL is not set"),
    ("me.github.io/papers", "not an absolute http(s) URL"),
    ("/papers", "not an absolute http(s) URL"),
    ("ftp://me.github.io/papers", "not an absolute http(s) URL"),
    ("javascript:alert(1)", "not an absolute http(s) URL"),
    ("https://", "not an absolute http(s) URL"),
    ("https://me.github.io/my papers", "not an absolute http(s) URL"),
    ("https://me.github.io/papers?x=1", "without query or fragment"),
    ("https://me.github.io/papers#top", "without query or fragment"),
])
def test_publishconf_refuses_a_missing_or_unusable_siteurl(monkeypatch, value, problem):
    if value is None:
        monkeypatch.delenv("SITEURL", raising=False)
    else:
        monkeypatch.setenv("SITEURL", value)
    with pytest.raises(ValueError, match=re.escape(problem)) as error:
        runpy.run_path(str(REPO / "publishconf.py"))
    assert "SITEURL=https://me.github.io/papers make publish" in str(error.value)


@pytest.mark.parametrize(("value", "expected"), [
    ("https://me.github.io/papers", "https://me.github.io/papers"),
    ("https://me.github.io/papers/", "https://me.github.io/papers"),
    (" http://localhost:8000 ", "http://localhost:8000"),
    ("https://papers.example.org", "https://papers.example.org"),
])
def test_publishconf_takes_the_siteurl_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("SITEURL", value)
    settings = runpy.run_path(str(REPO / "publishconf.py"))
    assert settings["SITEURL"] == expected
    assert settings["FEED_DOMAIN"] == expected
    assert settings["ABSOLUTE_SITEURL"] == expected
    assert settings["RELATIVE_URLS"] is True  # links between pages: only the base is absolute
    # Output persists; archive_writer removes what a build no longer writes (no stale page).
    assert settings["DELETE_OUTPUT_DIRECTORY"] is False


@pytest.mark.parametrize("siteurl", [None, "example.org/archive"])
def test_make_publish_without_a_usable_siteurl_fails_before_building(tmp_path, siteurl):
    checkout = scratch_checkout(tmp_path)
    result = make_publish(checkout, siteurl)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "SITEURL" in errors[0] and "make publish" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (checkout / "output").exists()
    assert not (checkout / "content").exists(), "nothing is rendered either"
