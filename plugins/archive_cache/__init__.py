"""Pelican plugin: an unreadable content cache is removed with a warning, never a crash."""

from .archive_cache import register

__all__ = ["register"]
