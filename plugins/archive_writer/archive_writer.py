"""Pages written atomically: Pelican's writer, with each file written to a temp file and renamed.

Pelican's `Writer` opens the target with `open(path, "w")`, so a build killed mid-write (or a
server reading output/ during a build) sees a truncated page. `AtomicWriter` keeps everything
Pelican's writer does (templates, pagination, relative URLs, the overwrite checks, the
`content_written` signal) and changes only how a file is opened: the text goes to a hidden temp
file next to the target, renamed over it when complete. There is no fsync: a rename already
makes the write all-or-nothing for a killed process, and an fsync per page would cost seconds on
a large build; surviving power loss is the host's business.

It leaves our other writers alone: listings, Markdown, feeds and the sitemap use
`listing_io.write_atomic`, and Pagefind's bundle is swapped in whole by `pagefind_index`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from pelican import signals
from pelican.writers import Writer

FILE_MODE = 0o644  # what a plain open() gives under the usual umask, as write_atomic does


class AtomicFile:
    """A text file handle that becomes `path` only when closed without an error."""

    def __init__(self, path: str, encoding: str) -> None:
        self.path = path
        directory = os.path.dirname(path) or "."
        fd, self.temp_path = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.",
                                              suffix=".tmp", dir=directory)
        self.handle = os.fdopen(fd, "w", encoding=encoding)

    def write(self, text: str) -> int:
        return self.handle.write(text)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.handle.close()
        if kind is not None:
            Path(self.temp_path).unlink(missing_ok=True)
            return
        os.chmod(self.temp_path, FILE_MODE)
        os.replace(self.temp_path, self.path)


class AtomicWriter(Writer):
    """Pelican's writer; a file written for the first time in this build goes via a temp file."""

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        if filename in self._written_files or filename in self._overridden_files:
            # Pelican's rules for a second write (refuse, skip or overwrite) apply unchanged.
            return super()._open_w(filename, encoding, override)
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return AtomicFile(filename, encoding)


def get_writer(_pelican: object) -> type[Writer]:
    return AtomicWriter


def register() -> None:
    # `get_writer` is how Pelican lets a plugin supply the writer every generator uses.
    signals.get_writer.connect(get_writer)
