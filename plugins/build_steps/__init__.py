"""The end-of-build steps, run in one explicit order on Pelican's `finalized` signal.

Three plugins read what the whole build wrote, so they run once every page exists, and their
order matters: the page clean-up (`archive_writer`) deletes the files the last build wrote and
this one did not, before the sitemap (`archive_seo`) walks output/ and before the search index
(`pagefind_index`) reads the paper pages; neither must see a stale page. Receivers of one
signal run in the order they were connected, that is the order of `PLUGINS`, which is easy to
break without noticing. So each of these plugins adds its step here instead, by name, and the
one `finalized` receiver runs the steps in `ORDER`, whatever order the plugins were loaded in.
A step whose plugin is not loaded is skipped.

It owns that order only; what each step does stays with its plugin.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pelican import signals

log = logging.getLogger(__name__)

ORDER = ("page clean-up", "sitemap", "search")
Step = Callable[[Any], None]
# Filled by the plugins' register(): configuration, like a signal's receivers, not build state.
_STEPS: dict[str, Step] = {}


def add_final_step(name: str, step: Step) -> None:
    """Run `step(pelican)` at the end of the build, at `name`'s place in `ORDER`."""
    if name not in ORDER:
        raise ValueError(f"build_steps: unknown step {name!r}; the steps are {', '.join(ORDER)}")
    _STEPS[name] = step
    # Connecting the same receiver again changes nothing (blinker keeps one per function).
    signals.finalized.connect(run_final_steps)


def run_final_steps(pelican: Any) -> None:
    """`finalized`: every registered step, in `ORDER`."""
    for name in ORDER:
        step = _STEPS.get(name)
        if step is not None:
            log.debug("build_steps: %s", name)
            step(pelican)
