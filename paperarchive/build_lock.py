"""One build at a time in a folder: `build_lock.py -- COMMAND...` runs COMMAND holding a lock.

Two builds in one folder (two `make html` in two terminals, an editor's build-on-save beside a
manual one) would render into the same `content/papers/` and `output/` at once; each deletes
what it believes is stale, so both can fail and leave `output/` without pages the other wrote.
The Makefile runs `render`, `html`, `publish` and `clean` through this lock: a second build
says so in one line and waits for the first to finish (up to `--wait` seconds, then it refuses
with one line and exit 1), and never touches a file while the first runs.

The lock is `fcntl.flock` on `.build.lock` in the folder: the kernel releases it when the
holder exits, however it exits (a killed build never leaves a stale lock behind).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

LOCK_NAME = ".build.lock"
DEFAULT_WAIT = 3600.0  # a full build of the real archive takes under a minute


def _holder(handle) -> str:
    handle.seek(0)
    text = handle.read().strip()
    return f"pid {text}" if text.isdigit() else "another process"


def acquire(path: Path, wait: float, poll: float = 0.2):
    """An open file of `path` holding its exclusive lock, or None after `wait` seconds."""
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the build
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not told:
                sys.stderr.write(f"another build is running in {path.parent.resolve()} "
                                 f"({_holder(handle)}); waiting for it to finish\n")
                sys.stderr.flush()
                told = True
            if time.monotonic() >= deadline:
                handle.close()
                return None
            time.sleep(poll)
            continue
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return handle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="build_lock.py", description="Run a build command, one at a time in this folder.")
    parser.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS",
                        help="how long to wait for a running build (default: %(default)g)")
    parser.add_argument("--lock", type=Path, default=Path(LOCK_NAME), metavar="FILE",
                        help="the lock file (default: %(default)s in the current folder)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    handle = acquire(args.lock, args.wait)
    if handle is None:
        sys.stderr.write(f"error: another build is still running in "
                         f"{args.lock.parent.resolve()} after {args.wait:g} s; not building\n")
        return 1
    try:
        process = subprocess.Popen(command)
        while True:
            try:
                return process.wait()
            except KeyboardInterrupt:  # the command got Ctrl-C too: hold the lock until it ends
                continue
    finally:
        handle.close()


if __name__ == "__main__":
    sys.exit(main())
