"""Pelican plugin: the archive's RSS and Atom feeds, written once every article is known."""

from .archive_feeds import register

__all__ = ["register"]
