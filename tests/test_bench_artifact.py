"""The benchmark's GitHub Pages artifact size is the size of the tar that deploying uploads."""

from __future__ import annotations

import runpy
import shutil
import subprocess

import pytest
from site_helpers import REPO

# scripts/ is not a package: the benchmark is read from its file, as `python scripts/bench.py`.
pages_artifact_size = runpy.run_path(str(REPO / "scripts" / "bench.py"))["pages_artifact_size"]


@pytest.mark.skipif(shutil.which("tar") is None, reason="needs the tar program")
def test_artifact_size_is_the_size_of_the_uploaded_tar(tmp_path):
    site = tmp_path / "output"
    for relative, size in [("index.html", 0), ("papers/2405.14906/index.html", 8_191),
                           ("papers/2405.15738/index.html", 512), ("pagefind/2024/f.pf", 513),
                           ("tags/" + "long-topic-name/" * 7 + "index.html", 20_000)]:
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_bytes(b"x" * size)
    archive = tmp_path / "artifact.tar"
    # What actions/upload-pages-artifact runs over the site folder.
    subprocess.run(["tar", "--directory", str(site), "-cf", str(archive), "."], check=True)
    assert pages_artifact_size(site) == archive.stat().st_size
