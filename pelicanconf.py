"""Pelican settings for building the archive locally (`make html`).

Production changes only go in `publishconf.py`. Every value here must be picklable (no lambdas:
module-level functions only), or Pelican's content cache breaks.
"""

import os

from paperarchive.bibtex import bibtex_entry
from paperarchive.links import href
from paperarchive.mathtext import math_to_html, math_to_text
from paperarchive.structured_data import scholarly_article, short_description
from paperarchive.templating import CompactJson, DedentTemplates

_ROOT = os.path.dirname(os.path.abspath(__file__))

# --- The site ---
SITENAME = "Daily Papers Archive"  # shown in the header and page titles
SITESUBTITLE = "Every day's trending ML papers, kept"  # shown under the site name
SITEURL = ""  # empty for local builds; publishconf.py sets the real one (plugins read it)
RELATIVE_URLS = True  # page links are relative (templates get SITEURL as "../.."), hosted too
ABSOLUTE_SITEURL = ""  # templates' absolute base (canonical, og:url, JSON-LD, 404); publishconf
TIMEZONE = "UTC"  # listing days are UTC dates
DEFAULT_LANG = "en"  # the <html lang> of every page
DEFAULT_DATE_FORMAT = "%b %-d, %Y"  # how dates read on pages, e.g. "Jun 3, 2026"

# --- Where things are ---
PATH = os.path.join(_ROOT, "content")  # the source folder
ARTICLE_PATHS = ["papers"]  # one Markdown article per paper, written by `archive.py render`
PAGE_PATHS = ["pages"]  # optional static pages (about, ...)
STATIC_PATHS = []  # nothing copied from content/; the theme brings its own static files
OUTPUT_PATH = os.path.join(_ROOT, "output")  # the built site
# Output persists between builds: archive_writer renders only pages whose inputs changed and
# removes the files the last build wrote that this one does not (no stale page); a build with
# no usable manifest in CACHE_PATH starts from an empty output folder.
DELETE_OUTPUT_DIRECTORY = False
THEME = os.path.join(_ROOT, "theme")  # our own theme
THEME_STATIC_DIR = "theme"  # theme/static/ is copied to output/theme/
PLUGIN_PATHS = [os.path.join(_ROOT, "plugins")]  # our plugins
PLUGINS = [  # the end-of-build steps run in build_steps.ORDER, whatever the order here
    "archive_pages",
    "archive_cache",  # an unreadable content cache (a killed build) is dropped, not a crash
    "archive_writer",  # every page written to a temp file and renamed: never half a page
    "archive_reader",  # reads our generated Markdown without Python-Markdown (same HTML)
    "archive_feeds",  # RSS/Atom under feeds/, after every article is known
    "archive_related",  # "more from this day/topic" on paper pages, in one pass
    "archive_seo",  # sitemap.xml and robots.txt, from the pages actually written
    "pagefind_index",  # the search index, once every page is written
]

# --- URLs (DESIGN.md §4); day/month/year/tag/org pages come from the archive_pages plugin ---
ARTICLE_URL = "papers/{slug}/"  # the slug is the paper id
ARTICLE_SAVE_AS = "papers/{slug}/index.html"  # the file behind ARTICLE_URL
PAGE_URL = "{slug}/"  # an about page lives at /about/
PAGE_SAVE_AS = "{slug}/index.html"  # the file behind PAGE_URL
ARCHIVE_PAGES = {"page_size": 100}  # papers per numbered topic/organisation page (lean rows)
ARCHIVE_WRITER = {  # plugins/archive_writer: paper pages rendered by forked processes
    "processes": 0,  # 0: one per usable CPU; 1: everything in Pelican's own process
    "batch": 500,  # fewer paper pages than this per process: not worth a fork
}

# --- Pelican pages we replace: off, so Pelican never builds (or scans for) them ---
DIRECT_TEMPLATES = ["search", "404"]  # /search/ and 404.html; the rest comes from archive_pages
SEARCH_SAVE_AS = "search/index.html"  # the search page (theme/templates/search.html)
SEARCH_URL = "search/"  # where the header search box sends its query
PAGINATED_TEMPLATES = {}  # archive_pages paginates its own pages
DEFAULT_PAGINATION = False  # no Pelican pagination anywhere
USE_FOLDER_AS_CATEGORY = False  # content/papers/YYYY/MM/DD is not a category
CATEGORY_SAVE_AS = ""  # no categories: with this empty, articles get no category at all
CATEGORIES_SAVE_AS = ""  # no category index
TAG_SAVE_AS = ""  # topics replace tags (/tags/<slug>/ from archive_pages)
TAGS_SAVE_AS = ""  # the topic index comes from archive_pages
AUTHOR_SAVE_AS = ""  # no page per author: search covers authors
AUTHORS_SAVE_AS = ""  # no author index
ARCHIVES_SAVE_AS = ""  # /archive/ comes from archive_pages
YEAR_ARCHIVE_SAVE_AS = ""  # period pages come from archive_pages (Pelican's are quadratic)
MONTH_ARCHIVE_SAVE_AS = ""  # idem
DAY_ARCHIVE_SAVE_AS = ""  # idem
ARTICLE_TRANSLATION_ID = None  # no translations: skips Pelican's translation grouping
PAGE_TRANSLATION_ID = None  # idem for pages
WITH_FUTURE_DATES = True  # a listing day is never a draft, whatever today's date is

# --- Search: the pagefind_index plugin indexes output/ with the pagefind[bin] binary ---
# What of a paper page's data-pagefind-body is not the paper's own text (theme/templates/
# article.html says why): selectors here instead of a data-pagefind-ignore attribute on each
# element, 13 a page. Pagefind still reads filters, sort keys and meta inside them.
# The rendered MathML of a title or abstract is left out too: its TeX source (<annotation>) is
# what search matches, as a pasted title holds it.
_search_exclude = ["dt", "h2", "time", "dd[data-pagefind-meta]", ".paper-links", ".cite",
                   ".related", "semantics > mrow"]
PAGEFIND_INDEX = {  # docs/search.md; only paper pages (data-pagefind-body) are indexed
    "enabled": True,  # False skips indexing, e.g. for quick local rebuilds
    "bundle_dir": "pagefind",  # output/pagefind/, loaded by theme/static/js/search.js
    "glob": "papers/**/*.html",  # only paper pages carry data-pagefind-body: read only them
    "extra_args": [arg for selector in _search_exclude
                   for arg in ("--exclude-selectors", selector)],
}

# --- Feeds: the archive_feeds plugin owns them, Pelican writes none ---
ARCHIVE_FEEDS = {  # docs/feeds.md; absolute URLs from SITEURL (publishconf.py)
    # latest papers, daily and weekly digests, one per topic, one per organisation
    "feeds": ["papers", "daily", "weekly", "topics", "orgs"],
    "count": 100,  # papers in feeds/papers.*
    "min_upvotes": 0,  # papers with fewer upvotes stay out of feeds/papers.*
    "days": 30,  # days in feeds/daily.*
    "weeks": 12,  # weeks in feeds/weekly.*
    "week_papers": 10,  # most upvoted papers per week in feeds/weekly.*
    "topic_count": 50,  # papers in each feeds/tags/<slug>.*
    "org_count": 20,  # papers in each feeds/orgs/<name>.*
    "org_min_papers": 5,  # organisations with fewer papers get no feed
}
FEED_ATOM = None  # no Pelican feed
FEED_RSS = None  # no Pelican feed
FEED_ALL_ATOM = None  # no Pelican feed
FEED_ALL_RSS = None  # no Pelican feed
CATEGORY_FEED_ATOM = None  # no Pelican feed
CATEGORY_FEED_RSS = None  # no Pelican feed
AUTHOR_FEED_ATOM = None  # no Pelican feed
AUTHOR_FEED_RSS = None  # no Pelican feed
TAG_FEED_ATOM = None  # no Pelican feed
TAG_FEED_RSS = None  # no Pelican feed
TRANSLATION_FEED_ATOM = None  # no Pelican feed
TRANSLATION_FEED_RSS = None  # no Pelican feed

# --- Reading content ---
MARKDOWN = {  # abstracts are escaped plain text: no extension beyond metadata is needed
    "extensions": ["markdown.extensions.meta"],
    "extension_configs": {},
    "output_format": "html5",
}
FORMATTED_FIELDS = []  # no metadata value is ever run through Markdown
TYPOGRIFY = False  # titles stay exactly as listed
JINJA_FILTERS = {  # module-level functions only (settings must pickle)
    "math_html": math_to_html,  # TeX in titles/abstracts -> escaped text + sanitised MathML
    "math_text": math_to_text,  # the same as plain text, for <title> and meta tags
    "bibtex": bibtex_entry,  # the paper page's BibTeX entry
    "href": href,  # outbound URLs percent-encoded into valid href values
    "scholarly_article": scholarly_article,  # schema.org JSON-LD data, serialised with tojson
    "short_text": short_description,  # the paper page's meta description: the abstract's opening
}
JINJA_ENVIRONMENT = {  # autoescape on: every listing field is untrusted text
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [DedentTemplates, CompactJson],  # no indentation or JSON spaces in pages
    "auto_reload": False,  # no stat() of every included template on every page (10% of a build)
}

# --- Caching: rebuilds only re-read changed Markdown ---
CACHE_CONTENT = True  # keep parsed articles between builds
LOAD_CONTENT_CACHE = True  # and use them
CACHE_PATH = os.path.join(_ROOT, "cache")  # git-ignored
CONTENT_CACHING_LAYER = "reader"  # cache what the reader returns (metadata + HTML)
# `archive.py render` rewrites an article only when its text changes, and CI restores
# content/papers/ with its mtimes, so an unchanged mtime means an unchanged article: one stat
# a file instead of reading and hashing every file (three times a build, in Pelican 4.12).
CHECK_MODIFIED_METHOD = "mtime"
GZIP_CACHE = False  # gzip made saving the 40k-paper cache 5 s slower (CI compresses it anyway)
