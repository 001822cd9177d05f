"""A fast reader for the articles `paperarchive.render` generates; Python-Markdown for the rest.

Owns reading `.md` files: a file in the generated form (a metadata header with `Paper-Id`, a
blank line, then single-line paragraphs of text escaped by `render.escape_markdown`) is parsed
here in a few microseconds and gives exactly the metadata and HTML Python-Markdown gives (the
tests compare both on real, synthetic and hostile papers); any other file, such as a
hand-written page, and any generated file that strays from that form, goes to Pelican's own
`MarkdownReader`. Python-Markdown costs 1.1-1.5 ms an article, most of a large build's reading.

It also makes Pelican's `Content.get_relative_source_path` remember its answers: Pelican asks it
five times for every article it builds (its relative path, the cache, `url` and twice `save_as`),
and each `os.path.relpath` costs tens of microseconds, seconds a build at 40,000 papers. The
answer for absolute paths depends on nothing but `PATH` and the file's path, so it is kept
(`relative_source_path`); relative ones (which depend on the working folder) go to Pelican.

It leaves what the fields mean to `archive_pages` and what the Markdown looks like to `render`.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

from pelican import signals
from pelican.contents import Content
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader
from pelican.utils import pelican_open
from pelican_compat import PELICAN_RELATIVE_SOURCE_PATH, replace_relative_source_path

# Python-Markdown's meta extension: `Key: value`, the key of letters, digits, `_` and `-`.
_HEADER_LINE_RE = re.compile(r"([A-Za-z0-9_-]+):\s*(.*)")
# The backslash escapes Python-Markdown resolves (its ESCAPED_CHARS); `escape_markdown` only
# writes escapes from this set and doubles every backslash it finds in the text.
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!])")
# A paragraph the fast path can take: no leading or trailing blank (code blocks, hard line
# breaks), no tab or control character, no `<` (raw HTML) and no `&` that is not an entity
# `html.escape` wrote; anything else is left to Python-Markdown.
_PLAIN_PARAGRAPH_RE = re.compile(
    r"(?!\s)(?:[^\x00-\x1f\x7f<&\\]|&(?:amp|lt|gt);|\\[\\`*_{}\[\]()>#+\-.!])*(?<!\s)"
)
# Text that Python-Markdown would read as syntax even when escaped as above: a line of only
# `=` or `-` characters after the text (setext heading) cannot happen (one line a paragraph),
# but a paragraph that is only `=`s is left to Markdown to be safe.
_UNSURE_RE = re.compile(r"^=+$")
MARKER = "paper-id"


def parse_generated(text: str) -> tuple[dict[str, list[str]], str] | None:
    """(metadata values by lowercased key, HTML) of a generated article, or None if `text`
    is not in the generated form."""
    header, separator, body = text.partition("\n\n")
    if not separator and not header.endswith("\n"):
        return None
    metadata: dict[str, list[str]] = {}
    for line in header.rstrip("\n").split("\n"):
        match = _HEADER_LINE_RE.fullmatch(line)
        if match is None:
            return None
        metadata.setdefault(match.group(1).lower(), []).append(match.group(2).strip())
    if MARKER not in metadata:
        return None
    paragraphs = body.strip("\n").split("\n\n") if body.strip("\n") else []
    html = []
    for paragraph in paragraphs:
        if not _PLAIN_PARAGRAPH_RE.fullmatch(paragraph) or _UNSURE_RE.match(paragraph):
            return None
        html.append("<p>" + _ESCAPE_RE.sub(r"\1", paragraph) + "</p>")
    return metadata, "\n".join(html)


class PaperReader(MarkdownReader):
    """Pelican's Markdown reader with a fast path for generated paper articles."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        with pelican_open(source_path) as text:
            parsed = parse_generated(text)
        formatted = set(self.settings["FORMATTED_FIELDS"])
        if parsed is None or formatted & set(parsed[0]):
            return super().read(source_path)
        values, content = parsed
        if any(len(items) > 1 and not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True)
               for name, items in values.items()):
            return super().read(source_path)  # which warns about the duplicate
        metadata = {}
        for name, items in values.items():
            if len(items) == 1:
                metadata[name] = self.process_metadata(name, items[0])
            else:
                metadata[name] = self.process_metadata(name, items)
        return content, metadata


def use_paper_reader(readers: Any) -> None:
    for extension in PaperReader.file_extensions:
        readers.reader_classes[extension] = PaperReader


@functools.lru_cache(maxsize=1 << 18)
def relative_source_path(base: str, source_path: str) -> str:
    """`source_path` relative to the content folder `base`, both absolute, exactly as
    `Content.get_relative_source_path` computes it."""
    root = _normalised(base)
    prefix = root if root.endswith(os.sep) else root + os.sep
    if source_path.startswith(prefix) and os.path.normpath(source_path) == source_path:
        # A normalised path inside the folder: what relpath gives, without its work.
        return source_path[len(prefix):].replace(os.sep, "/")
    return os.path.relpath(os.path.abspath(os.path.join(base, source_path)),
                           root).replace(os.sep, "/")


@functools.lru_cache(maxsize=64)
def _normalised(base: str) -> str:
    return os.path.abspath(base)


def _get_relative_source_path(self: Content, source_path: str | None = None) -> str | None:
    if not source_path:
        source_path = self.source_path
    base = self.settings.get("PATH")
    if source_path and base and os.path.isabs(source_path) and os.path.isabs(base):
        return relative_source_path(base, source_path)
    return PELICAN_RELATIVE_SOURCE_PATH(self, source_path)


def register() -> None:
    # `readers_init` is sent once the readers exist and before any file is read.
    signals.readers_init.connect(use_paper_reader)
    replace_relative_source_path(_get_relative_source_path)
