"""Pelican plugin: the archive's pages, and the paper data every template and plugin relies on.

On every article read from `content/papers/` (rendered by `paperarchive.render`) it sets:

- `article.paper`: the `paperarchive.model.Paper`, rebuilt from the article's metadata;
- `article.listing_day`: the `datetime.date` of the listing the paper appeared in;
- `article.topics`: a `tuple[paperarchive.model.Topic, ...]`, in taxonomy order.

The feeds and search plugins use exactly these names. It fixes `article.url` once (as
`override_url`), since Pelican would otherwise recompute it on every access. It puts `archive`
(an `archive.Archive`: days, months, years, topic and organisation groups, built once) into the
shared template context, adds Jinja filters for URLs (`day_url`, `month_url`, `year_url`,
`topic_url`, `org_url`, `paper_url`) to every generator, and writes, with the theme's templates:

| page | URL | template |
|---|---|---|
| home (the latest day, led by its week's top papers) | `/` | `day.html` (`is_home` true) |
| day | `/YYYY/MM/DD/` | `day.html` |
| ISO week, most upvoted first | `/YYYY/WNN/` | `week.html` |
| month, year (most upvoted first) | `/YYYY/MM/`, `/YYYY/` | `month.html`, `year.html` |
| every day with counts | `/archive/` | `archives.html` |
| topic (newest papers, then numbered pages) | `/tags/<slug>/`, `/tags/<slug>/N/` | `tag.html` |
| topic index | `/tags/` | `tags.html` |
| organisation (idem) | `/orgs/<name>/`, `/orgs/<name>/N/` | `org.html` |
| organisation index (most active, then A to Z) | `/orgs/` | `orgs.html` |
| a topic's or organisation's most upvoted | `/tags/<slug>/top/`, `/orgs/<name>/top/` | `top.html` |

Paper pages themselves are Pelican's articles (`ARTICLE_URL = "papers/{slug}/"`). These pages
replace Pelican's period, tag, category and author pages, whose generators scan the whole
article list once per group (quadratic); `pelicanconf.py` turns those off.

Topic and organisation pages are numbered from the oldest paper, so a numbered page never
changes when newer papers arrive; the group's own URL shows everything newer (`archive.paginate`).
Their rows are rendered once per page depth and reused (`plugin.CardMemo`, the `card_memo`
template global).

Settings (validated, all optional): `ARCHIVE_PAGES = {"page_size": 100, "top_size": 100,
"month_top": 30, "year_top": 50, "home_top": 10, "active_orgs": 30}`: the papers per numbered
topic or organisation page, on a most-upvoted page, a month's and a year's ranking and the
home page's week ranking, and the organisations the index leads with. The grouping logic lives
in `archive.py` (plain functions, no Pelican).
"""

from .plugin import register

__all__ = ["register"]
