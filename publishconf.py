"""Production settings: `pelicanconf.py` plus what changes for the hosted site.

`make publish` builds with this file. The site's public address comes from the environment, so
a fork publishes under its own address without editing any file:

    SITEURL=https://me.github.io/papers make publish

The daily workflow passes the address GitHub Pages reports (actions/configure-pages). A missing
or non-http(s) SITEURL stops the build before anything is written: every absolute link,
canonical URL and feed link would otherwise point nowhere.

Links between pages stay relative, as in a local build (RELATIVE_URLS from pelicanconf.py:
Pelican hands each template a SITEURL like "../.."): an absolute prefix on the ~25 links of
every page made the hosted HTML about 16 % bigger and bought nothing, since a relative link
resolves the same on the hosted site. Absolute, from the address, is only what must be:
- in pages, via ABSOLUTE_SITEURL: the canonical link, og:url and the JSON-LD url (crawlers and
  link previews read them out of context), and every link of the 404 page (the host serves it
  at whatever path was missing, where a relative link would resolve wrongly);
- in the plugins, which read SITEURL (Pelican never rewrites the setting itself): feed links
  and item bodies (archive_feeds), sitemap.xml and the robots.txt sitemap line (archive_seo).
"""

import os
import sys

from paperarchive.model import safe_url
from pelicanconf import *  # noqa: F403


class SiteUrlError(ValueError):
    """SITEURL is missing or not an absolute http(s) URL; the message says how to set it."""


def site_url_from(value: str | None) -> str:
    """The site's absolute URL without a trailing slash, or SiteUrlError saying what is wrong."""
    example = "e.g. SITEURL=https://me.github.io/papers make publish"
    url = (value or "").strip()
    if not url:
        raise SiteUrlError(f"SITEURL is not set: give the site's public address, {example}")
    if safe_url(url) != url or "?" in url or "#" in url:
        raise SiteUrlError(f"SITEURL={url!r} is not an absolute http(s) URL without query or "
                           f"fragment, {example}")
    return url.rstrip("/")


if __name__ == "__main__":  # `python publishconf.py`: make publish checks SITEURL before building
    try:
        sys.stdout.write(f"SITEURL={site_url_from(os.environ.get('SITEURL'))}\n")
    except SiteUrlError as error:
        sys.exit(f"error: {error}")

SITEURL = site_url_from(os.environ.get("SITEURL"))  # feeds, sitemap (plugins read it as is)
ABSOLUTE_SITEURL = SITEURL  # templates: canonical, og:url, JSON-LD url, the 404 page's links
FEED_DOMAIN = SITEURL  # Pelican's own feeds are off; archive_feeds also defaults to SITEURL
