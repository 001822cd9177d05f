"""The built fixture site, checked page by page as a reader would: the right papers, in the
right order, with the right links, and nothing from a listing interpreted as markup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html
from site_helpers import FIXTURE_ARCHIVE, FIXTURE_PAGE_SIZE, FIXTURE_TAXONOMY, parse_page

from paperarchive.listing_io import load_archive
from paperarchive.taxonomy import load_taxonomy, topics_for

pytestmark = pytest.mark.slow

LISTINGS = load_archive(FIXTURE_ARCHIVE)
PAPERS = {paper.id: (listing.date, paper) for listing in LISTINGS for paper in listing.papers}
TAXONOMY = load_taxonomy(FIXTURE_TAXONOMY)
HOSTILE_ID = "2606.09999"
SLUG_ID = "robot-learning-with-sparsity-and-scarcity"


def card_ids(page: html.HtmlElement) -> list[str]:
    """Paper ids of the cards (day pages) or rows (topic and organisation pages) on a list
    page, in page order."""
    links = page.xpath('//ol[@class="paper-list"]//article[@class="paper-card"]/h2/a/@href'
                       ' | //ol[@class="paper-rows"]/li/h3/a/@href')
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in links]


def link_to(from_url: str, href: str) -> str:
    """Resolve a relative href found on the page at `from_url` to a site-relative URL."""
    absolute = urljoin(f"http://site.test/{from_url}", href)
    assert absolute.startswith("http://site.test/"), f"{href} leaves the site"
    return absolute.removeprefix("http://site.test/")


def test_day_page_lists_that_days_papers_by_upvotes_then_id(site_page):
    page = site_page("2026/05/29/")
    # 2605.30260 and 2605.30265 both have 16 upvotes: the lower id comes first.
    assert card_ids(page) == ["2605.29801", "2605.29250", "2605.25378", "2605.30260",
                              "2605.30265"]
    assert page.xpath("string(//h1/time/@datetime)") == "2026-05-29"


@pytest.mark.parametrize(("url", "previous", "following"), [
    ("2025/12/11/", None, "2026/05/29/"),
    ("2026/05/29/", "2025/12/11/", "2026/06/03/"),  # skips the empty days in between
    ("2026/06/03/", "2026/05/29/", "2026/06/05/"),
    ("2026/06/05/", "2026/06/03/", None),
])
def test_day_pages_link_to_the_nearest_days_with_papers(site_page, url, previous, following):
    page = site_page(url)
    for rel, expected in (("prev", previous), ("next", following)):
        hrefs = page.xpath(f'//nav[@class="period-nav"]/a[@rel="{rel}"]/@href')
        if expected is None:
            assert hrefs == []
        else:
            assert hrefs, f"no {rel} link on {url}"
            assert {link_to(url, href) for href in hrefs} == {expected}


def test_home_is_the_latest_day_led_by_its_weeks_top_papers(site_page):
    home, latest = site_page(""), site_page("2026/06/05/")
    assert card_ids(home) == card_ids(latest) == [HOSTILE_ID, SLUG_ID]
    assert home.xpath("string(//h1/time/@datetime)") == "2026-06-05"
    # June 3 and 5, 2026 are ISO week 23: the home page leads with that week's ranking.
    week = [paper for day, paper in PAPERS.values() if day.isocalendar()[:2] == (2026, 23)]
    assert ranked_ids(home) == expected_ranking(week)
    week_links = home.xpath('//section[@class="week-top"]//a[not(ancestor::ol)]/@href')
    assert {link_to("", h) for h in week_links} == {"2026/W23/"}


@pytest.mark.parametrize(("url", "previous", "following"), [
    ("2025/W50/", None, "2026/W22/"),
    ("2026/W22/", "2025/W50/", "2026/W23/"),  # skips the weeks without papers
    ("2026/W23/", "2026/W22/", None),
])
def test_week_pages_rank_the_weeks_papers_and_link_the_nearest_weeks(site_page, url, previous,
                                                                     following):
    year, week = int(url[:4]), int(url[6:8])
    page = site_page(url)
    papers = [paper for day, paper in PAPERS.values() if day.isocalendar()[:2] == (year, week)]
    assert papers and ranked_ids(page) == expected_ranking(papers)
    assert page.xpath("string(//h1)") == f"Week {week}, {year}"
    for rel, expected in (("prev", previous), ("next", following)):
        found = page.xpath(f'//nav[@class="period-nav"]/a[@rel="{rel}"]/@href')
        hrefs = {link_to(url, h) for h in found}
        assert hrefs == ({expected} if expected else set())
    days = {link_to(url, h) for h in page.xpath('//ul[contains(@class, "week-days")]//a/@href')}
    assert days == {f"{day:%Y/%m/%d}/" for day, _ in PAPERS.values()
                    if day.isocalendar()[:2] == (year, week)}


def test_day_pages_link_to_their_week(site_page):
    for day in {day for day, _ in PAPERS.values()}:
        url = f"{day:%Y/%m/%d}/"
        year, week, _ = day.isocalendar()
        links = site_page(url).xpath(f'//main/header//a[.="Week {week}, {year}"]/@href')
        assert [link_to(url, h) for h in links] == [f"{year}/W{week:02d}/"]


def fact(label: str) -> str:
    """XPath of the paper page's fact (a <dd>) under the label a reader sees."""
    return f'//dl[@class="paper-facts"]//dt[.="{label}"]/following-sibling::dd[1]'


def test_every_paper_has_a_page_linking_to_its_day(site_page):
    for paper_id, (day, paper) in PAPERS.items():
        url = f"papers/{paper_id}/"
        page = site_page(url)
        assert page.xpath('string(//article[@class="paper"]//h1)') == paper.title
        (day_link,) = page.xpath(f'{fact("Listed")}/a/@href')
        assert link_to(url, day_link) == f"{day:%Y/%m/%d}/"
        assert page.xpath(f'string({fact("Listed")}/a/time/@datetime)') == day.isoformat()


def test_paper_page_shows_everything_known_about_the_paper(site_page):
    _, paper = PAPERS["2512.08829"]
    url = "papers/2512.08829/"
    page = site_page(url)
    article = page.xpath('//article[@class="paper"]')[0]
    text = article.text_content()
    assert ", ".join(paper.authors) in " ".join(text.split())
    assert paper.abstract[:80] in text
    assert paper.ai_summary in text
    for keyword in paper.keywords:
        assert keyword in article.xpath('.//ul[@class="keyword-list"]/li/text()')
    assert page.xpath(f'string({fact("Published")}/time/@datetime)') == (
        paper.published.isoformat())
    assert page.xpath(f'string({fact("Upvotes")})') == str(paper.upvotes)
    assert page.xpath(f'string({fact("arXiv id")})') == "2512.08829"
    links = {link.text_content().split(" (")[0]: link.get("href")
             for link in article.xpath('.//section[@class="paper-links"]//a')}
    assert links == {
        "Hugging Face": "https://huggingface.co/papers/2512.08829",
        "arXiv": "https://arxiv.org/abs/2512.08829",
        "PDF": "https://arxiv.org/pdf/2512.08829",
        "GitHub": paper.github,
        "Project page": paper.project_page,
    }
    assert article.xpath('.//a[@data-link="pdf"]/text()') == ["PDF"]  # styled as the main one
    github_label = article.xpath('string(.//section[@class="paper-links"]//a[starts-with(., '
                                 '"GitHub")])')
    assert f"{paper.github_stars:,} star" in github_label
    (org_link,) = article.xpath(f'{fact("Organisation")}/a/@href')
    assert link_to(url, org_link) == "orgs/hustvl/"
    topic_links = [link_to(url, href) for href in article.xpath('.//a[@rel="tag"]/@href')]
    assert topic_links == [f"tags/{t.slug}/" for t in topics_for(paper, TAXONOMY)]


def test_paper_without_arxiv_id_has_no_arxiv_links_and_shows_the_author_count(site_page):
    page = site_page(f"papers/{SLUG_ID}/")
    article = page.xpath('//article[@class="paper"]')[0]
    assert article.xpath('.//section[@class="paper-links"]//a[.="Hugging Face" or .="arXiv" '
                         'or .="PDF"]') == []
    assert article.xpath('normalize-space(.//p[@class="paper-authors"])') == "1 author"


def test_listing_text_is_escaped_everywhere(built_site, site_page):
    _, paper = PAPERS[HOSTILE_ID]
    page = site_page(f"papers/{HOSTILE_ID}/")
    assert page.xpath('string(//article[@class="paper"]//h1)') == paper.title
    assert paper.title in page.xpath("string(//title)")
    abstract = page.xpath('//section[@class="paper-abstract"]')[0]
    # The abstract's Markdown and HTML come out as the literal text, one paragraph each.
    assert [p.text_content() for p in abstract.xpath("./p")] == paper.abstract.split("\n\n")
    assert abstract.xpath(".//*[not(self::p) and not(self::h2)]") == []
    assert page.xpath('string(//section[@class="paper-summary"]/p)') == paper.ai_summary
    assert "<script>keyword</script>" in page.xpath('//ul[@class="keyword-list"]/li/text()')
    # No GitHub link: the listing's javascript: URL was dropped by the model.
    assert page.xpath('//section[@class="paper-links"]//a[starts-with(., "GitHub")]') == []
    for path in built_site.rglob("*.html"):
        document = html.fromstring(path.read_bytes())
        # Only data may mention it: JSON-LD, whose serialiser escapes every "<".
        assert document.xpath(
            "//script[not(@type='application/ld+json')][contains(., 'alert')]") == [], path
        assert all("<" not in text
                   for text in document.xpath("//script[@type='application/ld+json']/text()"))
        assert document.xpath("//img | //b | //em") == [], path
        assert document.xpath("//@*[starts-with(name(), 'on')]") == [], path
        for href in document.xpath("//@href | //@src | //@action"):
            assert not href.strip().lower().startswith(("javascript:", "data:")), (path, href)


def test_month_page_is_a_calendar_of_days_with_counts(site_page):
    page = site_page("2026/06/")
    cells = page.xpath('//table[@class="calendar"]//td[@class="has-papers"]/a')
    assert [link_to("2026/06/", a.get("href")) for a in cells] == ["2026/06/03/", "2026/06/05/"]
    assert [" ".join(a.xpath("string(.//*[@class='calendar-count'])").split()) for a in cells] == [
        "3 papers", "2 papers"]
    # 30 days, each shown once.
    numbers = [" ".join(td.text_content().split()).split(" ")[0]
               for td in page.xpath('//table[@class="calendar"]//td') if td.text_content().strip()]
    assert numbers == [str(n) for n in range(1, 31)]
    hrefs = page.xpath('//nav[@class="period-nav"]/a[@rel="prev"]/@href')
    assert {link_to("2026/06/", href) for href in hrefs} == {"2026/05/"}


def ranked_ids(page: html.HtmlElement) -> list[str]:
    """Paper ids of a ranked list (week, month, year, most upvoted), in page order."""
    links = page.xpath('//ol[contains(@class, "ranked")]/li/h3/a/@href')
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in links]


def expected_ranking(papers) -> list[str]:
    """Most upvoted first, ties by id: the order of every ranked list."""
    return [paper.id for paper in sorted(papers, key=lambda p: (-(p.upvotes or 0), p.id))]


def test_year_page_leads_with_its_top_papers_and_lists_its_months(site_page):
    page = site_page("2026/")
    months = [link_to("2026/", href)
              for href in page.xpath('//ul[contains(@class, "month-list")]//a/@href')]
    assert months == ["2026/05/", "2026/06/"]
    assert ranked_ids(page) == expected_ranking(
        paper for day, paper in PAPERS.values() if day.year == 2026)
    assert {link_to("2026/", h) for h in page.xpath('//a[@rel="prev"]/@href')} == {"2025/"}


def test_month_page_leads_with_its_top_papers_and_links_its_weeks(site_page):
    page = site_page("2026/06/")
    assert ranked_ids(page) == expected_ranking(
        paper for day, paper in PAPERS.values() if (day.year, day.month) == (2026, 6))
    weeks = [link_to("2026/06/", href)
             for href in page.xpath('//ul[contains(@class, "week-links")]//a/@href')]
    assert weeks == ["2026/W23/"]


def test_archive_lists_every_day_newest_first_with_counts(site_page):
    page = site_page("archive/")
    items = page.xpath('//ul[@class="day-counts"]/li')
    expected = sorted(((listing.date, len(listing.papers)) for listing in LISTINGS), reverse=True)
    assert [link_to("archive/", li.xpath("string(a/@href)")) for li in items] == [
        f"{day:%Y/%m/%d}/" for day, _ in expected]
    assert [" ".join(li.xpath("string(span)").split()) for li in items] == [
        f"{count} papers" for _, count in expected]


def expected_topic_members(slug: str) -> list[str]:
    """Paper ids of a topic, newest day first, then most upvoted, then by id."""
    members = [(day, paper) for day, paper in PAPERS.values()
               if slug in {t.slug for t in topics_for(paper, TAXONOMY)}]
    members.sort(key=lambda item: (-item[0].toordinal(), -(item[1].upvotes or 0), item[1].id))
    return [paper.id for _, paper in members]


def follow(site_page, url: str, rel: str) -> list[str]:
    """The URLs met from `url` following the pagination links `rel` ("next": older)."""
    visited = [url]
    while links := site_page(visited[-1]).xpath(
            f'//nav[@class="pagination"]/a[@rel="{rel}"]/@href'):
        (href,) = links
        visited.append(link_to(visited[-1], href))
    return visited


@pytest.mark.parametrize("topic", TAXONOMY.topics, ids=lambda topic: topic.slug)
def test_topic_pages_list_all_the_topics_papers_newest_first_in_stable_pages(
        built_site, site_page, topic):
    expected = expected_topic_members(topic.slug)
    url = f"tags/{topic.slug}/"
    if not expected:
        assert not (built_site / url).exists()
        return
    visited = follow(site_page, url, "next")
    # Pages are numbered from the oldest; the topic's own URL has everything newer than the
    # newest numbered page: between one and two pages' worth.
    numbered = max(len(expected) // FIXTURE_PAGE_SIZE - 1, 0)
    assert visited == [url] + [f"{url}{n}/" for n in range(numbered, 0, -1)]
    assert follow(site_page, visited[-1], "prev") == visited[::-1]
    written = sorted(path.parent for path in (built_site / url).rglob("index.html")
                     if path.parent.name != "top")  # the most upvoted view: tested below
    assert written == sorted(built_site / v for v in visited)  # no page left unlinked
    seen: list[str] = []
    for number, page_url in enumerate(visited):
        page = site_page(page_url)
        assert page.xpath("string(//h1)") == topic.name
        ids = card_ids(page)
        if number:
            assert len(ids) == FIXTURE_PAGE_SIZE
        else:
            assert len(ids) == len(expected) - numbered * FIXTURE_PAGE_SIZE
        seen.extend(ids)
        # Each paper sits under the heading of its listing day.
        for heading in page.xpath('//main/h2[time]'):
            day = heading.xpath("string(time/@datetime)")
            for href in heading.xpath('following-sibling::ol[1]/li/h3/a/@href'):
                assert PAPERS[href.rstrip("/").rsplit("/", 1)[-1]][0].isoformat() == day
    assert seen == expected


def test_topic_pages_link_older_pages_by_number_newest_first(site_page):
    topic = "large-language-models"
    base = f"tags/{topic}/"
    numbered = len(expected_topic_members(topic)) // FIXTURE_PAGE_SIZE - 1
    assert numbered >= 2

    def numbers(url: str) -> list[tuple[str, str]]:
        links = site_page(url).xpath('//nav[@class="pagination"]//ul[@class="page-numbers"]//a')
        return [(a.text_content(), link_to(url, a.get("href"))) for a in links]

    assert numbers(base) == [(str(n), f"{base}{n}/") for n in range(numbered, 0, -1)]
    # A numbered page links the newest page and the pages older than itself, never a newer
    # number (which would change it when newer papers arrive).
    url = f"{base}{numbered}/"
    assert numbers(url) == [("Newest", base)] + [
        (str(n), f"{base}{n}/") for n in range(numbered - 1, 0, -1)]


def test_numbered_pages_say_which_papers_they_hold_and_never_the_total(site_page):
    topic = "large-language-models"
    total = len(expected_topic_members(topic))
    assert total >= 3 * FIXTURE_PAGE_SIZE  # the fixture has numbered pages to check
    newest = site_page(f"tags/{topic}/")
    assert f"{total} papers" in newest.xpath("string(//main/header)")
    page = site_page(f"tags/{topic}/1/")
    header = " ".join(page.xpath("string(//main/header)").split())
    assert f"Papers 1–{FIXTURE_PAGE_SIZE}" in header
    assert f"{total} papers" not in page.xpath("string(/)")
    assert str(total) not in page.xpath("string(//title)")
    (newest_link,) = page.xpath('//main/header//a[text()="Newest papers"]/@href')
    assert link_to(f"tags/{topic}/1/", newest_link) == f"tags/{topic}/"


def test_topic_index_lists_topics_with_papers_and_their_counts(site_page):
    page = site_page("tags/")
    items = page.xpath('//ul[@class="group-list"]/li')
    got = {link_to("tags/", li.xpath("string(a/@href)")): " ".join(li.xpath("string(span)").split())
           for li in items}
    expected = {}
    for topic in TAXONOMY.topics:
        count = len(expected_topic_members(topic.slug))
        if count:
            expected[f"tags/{topic.slug}/"] = f"{count} paper" + ("s" if count != 1 else "")
    assert got == expected
    names = [li.xpath("string(a)") for li in items]
    assert names == sorted(names, key=str.casefold)


@pytest.mark.parametrize("topic", TAXONOMY.topics[:4], ids=lambda topic: topic.slug)
def test_topic_top_pages_rank_the_topics_papers_and_are_linked_from_the_topic(site_page, topic):
    members = expected_topic_members(topic.slug)
    if not members:
        pytest.skip("no papers on this topic in the fixture")
    url = f"tags/{topic.slug}/"
    (link,) = site_page(url).xpath('//main/header//a[.="Most upvoted"]/@href')
    assert link_to(url, link) == f"{url}top/"
    top = site_page(f"{url}top/")
    assert ranked_ids(top) == expected_ranking(PAPERS[i][1] for i in members)
    (back,) = top.xpath('//main/header//a[.="Newest first"]/@href')
    assert link_to(f"{url}top/", back) == url


def test_organisation_top_page(site_page):
    (link,) = site_page("orgs/google/").xpath('//main/header//a[.="Most upvoted"]/@href')
    assert link_to("orgs/google/", link) == "orgs/google/top/"
    top = site_page("orgs/google/top/")
    google = [paper for _, paper in PAPERS.values()
              if paper.organization and paper.organization.name == "google"]
    assert len(google) == 2
    assert ranked_ids(top) == expected_ranking(google)
    assert top.xpath("string(//h1)") == "Google <Research>: most upvoted"


def test_organisation_pages(site_page):
    page = site_page("orgs/google/")
    assert card_ids(page) == [HOSTILE_ID, "2606.03979"]  # newest day first
    assert page.xpath("string(//h1)") == "Google <Research>"
    index = site_page("orgs/")
    first = index.xpath('//ul[@class="group-list"]/li')[0]
    assert link_to("orgs/", first.xpath("string(a/@href)")) == "orgs/google/"  # most papers
    orgs_in_listings = {paper.organization.name for _, paper in PAPERS.values()
                        if paper.organization}
    # A to Z: every organisation once, under its initial, with a jump link to each initial.
    a_to_z = index.xpath('//section[h2="A to Z"]//ul[@class="group-list"]/li/a')
    assert sorted(link_to("orgs/", a.get("href")) for a in a_to_z) == sorted(
        f"orgs/{name}/" for name in orgs_in_listings)
    names = [a.text_content() for a in a_to_z]
    assert names == sorted(names, key=str.casefold)
    jumps = index.xpath('//nav[@aria-label="Initials"]//a/@href')
    assert jumps == [f"#{h3.get('id')}" for h3 in index.xpath("//section[h2='A to Z']/h3")]
    assert [h3.text_content() for h3 in index.xpath("//section[h2='A to Z']/h3")] == sorted(
        {name[0].upper() for name in names})


def test_every_page_has_the_common_landmarks(built_site):
    for path in sorted(built_site.rglob("index.html")):
        page = html.fromstring(path.read_bytes())
        assert len(page.xpath("//main[@id='content']")) == 1, path
        assert page.xpath("//a[@class='skip-link']/@href") == ["#content"], path
        assert page.xpath("//nav[@aria-label='Main']"), path
        form = page.xpath("//form[@role='search']")[0]
        assert form.get("action").endswith("search/"), path
        assert form.xpath(".//input[@name='q'][@type='search']"), path
        assert len(page.xpath("//h1")) == 1, path


def test_internal_links_all_resolve(built_site):
    """Every relative link and stylesheet points to a file in the build (search excepted:
    its page comes from another step)."""
    for path in sorted(built_site.rglob("*.html")):
        url = path.relative_to(built_site).as_posix().removesuffix("index.html")
        page = html.fromstring(path.read_bytes())
        for href in page.xpath("//a/@href | //link/@href"):
            if href.startswith(("http://", "https://", "#")):
                continue
            target = link_to(url, href).split("#")[0]
            if target.startswith("search/"):
                continue
            file = built_site / target / "index.html" if target.endswith("/") or not target \
                else built_site / target
            assert file.is_file(), f"{url}: {href} -> {target}"


def test_no_pelican_default_pages_or_feeds(built_site):
    for unwanted in ("feeds/all.atom.xml", "category", "author", "authors.html",
                     "categories.html", "archives.html", "tags.html"):
        assert not (built_site / unwanted).exists(), unwanted


def test_dates_are_iso_in_time_elements(built_site):
    for path in built_site.rglob("*.html"):
        for value in html.fromstring(path.read_bytes()).xpath("//time/@datetime"):
            dt.date.fromisoformat(value)


def test_parse_page_reads_nested_urls(built_site: Path):
    assert parse_page(built_site, "tags/").xpath("string(//h1)") == "Topics"
