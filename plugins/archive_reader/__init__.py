"""Pelican plugin: a fast reader for the Markdown articles `paperarchive.render` writes."""

from .archive_reader import register

__all__ = ["register"]
