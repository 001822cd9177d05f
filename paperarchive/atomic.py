"""Atomic file writes, for every cache, listing, article and page this project writes.

A file is written to a temp file in the same folder (or a given one on the same file system)
and renamed over the target once complete: a reader, a crash or a killed build sees the old
file or the new one, never half of one. An error removes the temp file. Temp files are named
`.<name>.<random or pid>.tmp`, which git (`.gitignore`), Pelican and the caches ignore.

It owns the temp file, its mode and the rename; what is written, and when, stays with the
callers. There is no fsync unless asked (`durable`): a rename already makes the write
all-or-nothing for a killed process; only the listings, the source of truth, are synced.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_MODE = 0o644  # what a plain open() gives under the usual umask (mkstemp's is 0o600)


@contextmanager
def replacing(path: str | os.PathLike[str], *, temp_dir: str | os.PathLike[str] | None = None,
              per_process: bool = False) -> Iterator[str]:
    """Yield a temp file's path; whatever the block wrote there replaces `path` when the
    block completes, and is removed when it raises.

    `per_process`: name the temp file by the process id rather than at random, so the leftover
    of a killed run is overwritten by the next one instead of piling up (for writers of many
    files, whose leftovers nobody collects)."""
    target = os.fspath(path)
    folder = os.fspath(temp_dir) if temp_dir is not None else os.path.dirname(target) or "."
    name = os.path.basename(target)
    if per_process:
        temp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    else:
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    try:
        yield temp
        os.chmod(temp, FILE_MODE)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_bytes(path: str | os.PathLike[str], data: bytes, *, durable: bool = False,
                per_process: bool = False) -> None:
    """Replace `path` with `data`, atomically; `durable` also syncs it to disk first."""
    with replacing(path, per_process=per_process) as temp, open(temp, "wb") as handle:
        handle.write(data)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())


def write_text(path: str | os.PathLike[str], text: str, *, durable: bool = False) -> None:
    """Replace `path` with `text` in UTF-8, atomically."""
    write_bytes(path, text.encode("utf-8"), durable=durable)
