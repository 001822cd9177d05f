"""The hostile fixture archive: listings whose every text field is an attack.

`tests/data/hostile_archive/` holds these listings as YAML (escapes keep the control characters
and lone surrogates readable); `write_archive(root)` writes them, and a test checks the
committed copy is what this module generates. Regenerate after editing:

    .venv/bin/python tests/hostile_archive.py tests/data/hostile_archive

The papers are chosen to reach every page type: two days in two months, organisations, topics
from `tests/data/site_taxonomy.yaml` (matched through hostile keywords), a paper without an
arXiv id, math in a title, and strings of 1,000 to 10,000 characters. Lone surrogates are
the one thing missing: a YAML file cannot hold one (the loader refuses the `\uD800` escape with
a located error), so they are tested through HF JSON in `test_hostile_text.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

SCRIPT = "<script>alert('x')</script>"
JINJA = "{{ 7*7 }} {% for x in range(3) %}LOOP{% endfor %} {# hidden #}"

PAPERS_BY_DAY: dict[str, list[dict[str, Any]]] = {
    "2026-04-30": [
        {
            "id": "2604.30001",
            "title": f"Reinforcement learning {SCRIPT} for <b>bold</b> agents",
            "authors": [f"Ada {SCRIPT}", '"><img src=x onerror=alert(1)>', "Bob\u202eevil\u202c"],
            "abstract": (f"Language models {SCRIPT} and agents.\n\n"
                         "<img src=x onerror=alert(2)> [click](javascript:alert(3)) "
                         "**bold** `code` # not a heading\n\n- not a list\n\n" + JINJA),
            "ai_summary": f"Summary with {SCRIPT} and {JINJA}",
            "keywords": [f"LLM {SCRIPT}", "reinforcement learning", "<svg onload=alert(4)>"],
            "upvotes": 42,
            "comments": 3,
            "organization": {"name": "evil-org", "fullname": f"Evil {SCRIPT} Org"},
            "github": "javascript:alert(5)",
            "project_page": "data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==",
            "thumbnail": "https://cdn.example.org/x.png?\"><script>alert(7)</script>",
            "submitter": f"mallory {SCRIPT}",
        },
        {
            "id": "2604.30002",
            "title": "Agents {{ config }} {% raw %}{{ 7*7 }}{% endraw %} & friends",
            "authors": ["Zero\u200bWidth\u200dJoiner\ufeff",
                        "Emoji 😀👩‍🔬", "Ctrl\x00\x07\x1b\x7fChar"],
            "abstract": "Control\x00chars\x1b and bidi \u202e\u2066text\u2069 gone; "
                        "emoji 🏳️‍🌈 stay; line\u2028separator.",
            "keywords": ["agents", "{{ 7*7 }}"],
            "upvotes": 7,
            "organization": {"name": "evil-org", "fullname": f"Evil {SCRIPT} Org"},
            "project_page": "https://example.org/p?a=1&b=<x>",
        },
        {
            "id": "a-paper-without-an-arxiv-id",
            "title": "Math $x<y$ and $$\\href{javascript:alert(8)}{click}$$ and "
                     "\\(\\text{<b>bold</b>}\\) in a robot title",
            "authors": ["L" * 1_000],
            "abstract": ("<" * 5_000) + ("&" * 5_000),
            "keywords": ["robotics"],
            "upvotes": 0,
            "github": "  https://github.com/example/repo\n",
        },
    ],
    "2026-05-01": [
        {
            "id": "2605.00001",
            "title": "Video " + "very long title <i>x</i> " * 78,
            "authors": [],
            "abstract": "A" * 10_000,
            "keywords": ["video", "]]> <![CDATA[ x ]]>"],
            "organization": {"name": "other.org_1",
                             "fullname": "</title><script>alert(9)</script>"},
            "thumbnail": "JaVaScRiPt:alert(10)",
        },
        {
            "id": "2605.00002",
            "title": "Large language models' \"quotes\" & <!-- comments --> ]]>",
            "authors": ["O'Brien & <Sons>"],
            "abstract": "Title: injected header\n\nPaper-Id: 9999.99999\n\n    indented\n\n===",
            "keywords": ["LLMs"],
            "upvotes": 1,
        },
    ],
}


def listing_text(day: str, papers: list[dict[str, Any]]) -> str:
    # Double quotes and escapes throughout, so the file is plain ASCII a reader can inspect.
    return yaml.safe_dump({"date": day, "papers": papers}, sort_keys=False, allow_unicode=False,
                          default_style='"', width=100)


def archive_files() -> dict[str, str]:
    """Relative path -> YAML text of every listing of the hostile archive."""
    return {f"{day[:4]}/{day}.yaml": listing_text(day, papers)
            for day, papers in PAPERS_BY_DAY.items()}


def write_archive(root: Path) -> Path:
    for relative, text in archive_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="ascii")
    return root


if __name__ == "__main__":
    write_archive(Path(sys.argv[1]))
