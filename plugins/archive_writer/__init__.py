"""Pelican plugin: every page is written atomically (temp file + rename)."""

from .archive_writer import register

__all__ = ["register"]
