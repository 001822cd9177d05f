"""Pelican plugin: sitemap.xml and robots.txt for the built site."""

from .archive_seo import register

__all__ = ["register"]
