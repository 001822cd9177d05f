"""Pelican plugin: index the built site with Pagefind once all pages are written."""

from .pagefind_index import register

__all__ = ["register"]
