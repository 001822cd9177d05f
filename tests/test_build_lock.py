"""One build at a time in a folder: the lock `make render/html/publish/clean` run under."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

from site_helpers import REPO

LOCK = [sys.executable, str(REPO / "scripts" / "build_lock.py")]


def test_two_builds_run_one_after_the_other(tmp_path):
    log = tmp_path / "log"
    step = f"echo start $0 >> {log}; sleep 1; echo end $0 >> {log}"
    first = subprocess.Popen([*LOCK, "--lock", str(tmp_path / ".build.lock"), "--",
                              "sh", "-c", step, "one"], stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)  # let the first take the lock
    second = subprocess.run([*LOCK, "--lock", str(tmp_path / ".build.lock"), "--",
                             "sh", "-c", step, "two"], capture_output=True, text=True)
    first.wait()
    assert first.returncode == 0 and second.returncode == 0
    assert log.read_text().split("\n")[:-1] == ["start one", "end one", "start two", "end two"]
    (line,) = second.stderr.splitlines()
    assert line.startswith(f"another build is running in {tmp_path.resolve()} (pid ")
    assert line.endswith("); waiting for it to finish")


def test_the_command_exit_status_is_passed_on(tmp_path):
    result = subprocess.run([*LOCK, "--lock", str(tmp_path / "l"), "--", "sh", "-c", "exit 7"])
    assert result.returncode == 7


def test_a_second_make_html_refuses_in_one_line_and_touches_nothing(tmp_path):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("Makefile", "pelicanconf.py", "scripts", "paperarchive", "plugins", "theme",
                 "taxonomy.yaml", "requirements"):
        (checkout / name).symlink_to(REPO / name)
    page = checkout / "output" / "index.html"
    page.parent.mkdir()
    page.write_text("the first build's page")
    venv = Path(sys.executable).parent.parent
    with open(checkout / ".build.lock", "a+") as held:  # a build in progress
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        held.write(f"{os.getpid()}\n")
        held.flush()
        result = subprocess.run(
            ["make", "--no-print-directory", "-o", f"{venv}/.site-installed", "html",
             f"VENV={venv}", "BUILD_WAIT=0.5"],
            cwd=checkout, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert lines == [f"another build is running in {checkout.resolve()} (pid {os.getpid()}); "
                     f"waiting for it to finish",
                     f"error: another build is still running in {checkout.resolve()} after "
                     f"0.5 s; not building"]
    assert page.read_text() == "the first build's page"
    assert not (checkout / "content").exists()
