"""Checks over a built site folder for the quality tests: links and HTML validity.

A link checker (every internal href/src and fragment resolves to a file or an id in output/)
and the Nu HTML checker (vnu.jar from the npm package, run once over every page). The browser
fixtures are in conftest.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

REPO = Path(__file__).resolve().parent.parent
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
                   ("source", "src"), ("form", "action"))


@dataclass(frozen=True)
class BrokenLink:
    page: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target} ({self.reason})"


def html_pages(output: Path) -> list[Path]:
    """Every HTML page of the site, the search bundle left out."""
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.parts)


def _target_file(output: Path, path: str) -> Path | None:
    candidate = output / path.lstrip("/")
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_links(output: Path, site_url: str = "") -> list[BrokenLink]:
    """Internal links (relative, root-relative, or under `site_url`) that point nowhere.

    Fragments are checked against the ids of the target page. Each page is parsed once; ids
    of targets are cached, so the check is linear in the size of the site.
    """
    site = urlsplit(site_url) if site_url else None
    ids: dict[Path, set[str]] = {}
    broken = []

    def ids_of(page: Path, tree=None) -> set[str]:
        if page not in ids:
            tree = tree if tree is not None else lxml_html.parse(str(page))
            ids[page] = {str(v) for v in tree.xpath("//@id")} | {
                str(v) for v in tree.xpath("//a/@name")
            }
        return ids[page]

    for page in html_pages(output):
        tree = lxml_html.parse(str(page))
        page_path = "/" + page.relative_to(output).as_posix()
        ids_of(page, tree)
        for tag, attribute in LINK_ATTRIBUTES:
            for element in tree.iter(tag):
                value = element.get(attribute)
                if value is None:
                    continue
                problem = _check_one(output, page, page_path, value.strip(), site, ids_of)
                if problem:
                    broken.append(BrokenLink(page_path, value, problem))
    return broken


def _check_one(output, page, page_path, value, site, ids_of) -> str | None:
    if not value:
        return "empty link"
    parts = urlsplit(value)
    if parts.scheme in ("mailto", "tel", "data"):
        return None
    if parts.scheme or parts.netloc:
        if site is None or parts.netloc != site.netloc:
            return None  # external: not this checker's business
        path = parts.path
        base = site.path.rstrip("/")
        if base and not path.startswith(base):
            return None
        path = path[len(base):] or "/"
    elif parts.path.startswith("/"):
        path = parts.path
    elif parts.path:
        path = str(Path(page_path).parent / parts.path)
        if parts.path.endswith("/"):
            path += "/"
    else:
        path = page_path  # a fragment-only link
    path = unquote(os.path.normpath(path)) + ("/" if path.endswith("/") and path != "/" else "")
    if path.startswith("/.."):
        return "points outside the site"
    target = page if path == page_path else _target_file(output, path)
    if target is None:
        return "no such file"
    if parts.fragment and target.suffix == ".html" and parts.fragment not in ids_of(target):
        return f"no id {parts.fragment!r} in {target.relative_to(output).as_posix()}"
    return None


def java_available() -> bool:
    return shutil.which("java") is not None


def run_vnu(pages: list[Path]) -> list[dict]:
    """Errors the Nu HTML checker reports for `pages` (one JVM for all of them)."""
    result = subprocess.run(
        ["java", "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
         *map(str, pages)],
        capture_output=True, text=True, check=False,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]
