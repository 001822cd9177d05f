"""Pelican plugin: "more from this day" and "more on this topic" for paper pages."""

from .archive_related import register

__all__ = ["register"]
