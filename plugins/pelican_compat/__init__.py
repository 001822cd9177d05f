"""Every use of Pelican's private API, in one place, pinned to the Pelican it was written for.

The performance plugins lean on a few of Pelican's internals. They reach them only through
this module, so the day Pelican moves one of them the failure is here, and named:
`pelican_problems()` lists what differs from `PINNED_PELICAN` (the version, a missing method or
attribute, a changed signature), and `tests/test_pelican_compat.py` fails with that list.

What is used, and by whom:

- `Writer._open_w` (the hook `Writer.write_file` opens every output file through) and the
  writer's record of files written (`_written_files`, `_overridden_files`): `archive_writer`
  opens files atomically and skips pages that did not change, and Pelican's rules for a file
  written twice must still see them (`HookedWriter`, `written_files`, `overridden_files`);
- the local context `Writer.write_file` sends with `content_written`, rebuilt for a page that
  is skipped (`send_content_written`);
- the content cacher's `_cache`, `_cache_path`, `_cache_open` and `_cache_data_policy`:
  `archive_cache` saves Pelican's content cache atomically, and only when it changed;
- `Content.get_relative_source_path`, replaced for every content object by a memoised one
  (`archive_reader`): Pelican asks it five times an article (`replace_relative_source_path`).

It owns no behaviour of its own: each function does what the Pelican code it names does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

from pelican import signals
from pelican.cache import FileDataCacher
from pelican.contents import Content
from pelican.utils import get_relative_path, path_to_url
from pelican.writers import Writer

PINNED_PELICAN = "4.12.0"  # requirements/site.in; what every name below was checked against

# The private names used, by owner: (attribute, where it lives: "class" or "instance").
PRIVATE_API: dict[str, tuple[tuple[str, str], ...]] = {
    "pelican.writers.Writer": (("_open_w", "class"), ("_written_files", "instance"),
                               ("_overridden_files", "instance")),
    "pelican.cache.FileDataCacher": (("_cache", "instance"), ("_cache_path", "instance"),
                                     ("_cache_open", "instance"),
                                     ("_cache_data_policy", "instance")),
    "pelican.contents.Content": (("get_relative_source_path", "class"),),
}
# The signatures our overrides and calls assume.
SIGNATURES = {
    "pelican.writers.Writer._open_w": "(self, filename, encoding, override=False)",
    "pelican.writers.Writer.__init__": "(self, output_path, settings=None)",
    "pelican.cache.FileDataCacher.__init__":
        "(self, settings, cache_name, caching_policy, load_policy)",
    "pelican.contents.Content.get_relative_source_path":
        "(self, source_path: str | None = None) -> str | None",
}

PELICAN_RELATIVE_SOURCE_PATH = Content.get_relative_source_path


# --- the writer ------------------------------------------------------------------------------

class HookedWriter(Writer):
    """Pelican's `Writer`, with the file it opens for each page chosen by `open_output`."""

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        return self.open_output(filename, encoding, override)

    def open_output(self, filename: str, encoding: str, override: bool = False) -> Any:
        """The file object a page is written to; Pelican's own `open()` by default."""
        return Writer._open_w(self, filename, encoding, override)


def written_files(writer: Writer) -> set[str]:
    """The paths `writer` has written (or skipped as unchanged) in this build."""
    return writer._written_files


def overridden_files(writer: Writer) -> set[str]:
    """The paths written with `override_output`, which a later write may not replace."""
    return writer._overridden_files


def send_content_written(path: str, name: str, context: dict[str, Any], relative_urls: bool,
                         kwargs: dict[str, Any]) -> None:
    """`content_written` for a page that was not rendered, with the local context
    `Writer.write_file` would have sent (its `_get_localcontext`)."""
    if not signals.content_written.receivers:
        return
    local = context.copy()
    local["localsiteurl"] = local.get("localsiteurl", None)
    if relative_urls:
        local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
    local["output_file"] = name
    local.update(kwargs)
    signals.content_written.send(path, context=local)


# --- the content cache -----------------------------------------------------------------------

def cache_path(cacher: FileDataCacher) -> str:
    """The file a Pelican cacher loads from and saves to."""
    return cacher._cache_path


def cache_entries(cacher: FileDataCacher) -> dict[str, Any]:
    """The cacher's data, by source file name (the dict Pelican pickles)."""
    return cacher._cache


def open_cache_file(cacher: FileDataCacher, path: str, mode: str) -> Any:
    """`path` opened as the cacher opens its file (gzip when `GZIP_CACHE`)."""
    return cacher._cache_open(path, mode)


def caching_enabled(cacher: FileDataCacher) -> bool:
    """Whether this cacher saves anything at all (Pelican's caching policy)."""
    return bool(getattr(cacher, "_cache_data_policy", False))


# --- content objects -------------------------------------------------------------------------

def replace_relative_source_path(function: Callable[..., str | None]) -> None:
    """Make `function` every content object's `get_relative_source_path`; it may call
    `PELICAN_RELATIVE_SOURCE_PATH` for the cases it does not handle."""
    Content.get_relative_source_path = function


# --- the pin ---------------------------------------------------------------------------------

_OWNERS = {"pelican.writers.Writer": Writer, "pelican.cache.FileDataCacher": FileDataCacher,
           "pelican.contents.Content": Content}


def _instance(owner: str, workdir: str) -> Any:
    if owner == "pelican.writers.Writer":
        return Writer(workdir, settings={})
    if owner == "pelican.cache.FileDataCacher":
        settings = {"CACHE_PATH": workdir, "GZIP_CACHE": False}
        return FileDataCacher(settings, "compat-check", True, False)
    return None


def pelican_problems(workdir: str) -> list[str]:
    """What differs between the installed Pelican and the one this module was written for,
    one line each (empty when nothing does). `workdir`: an empty folder for a throwaway
    writer and cacher."""
    problems = []
    installed = version("pelican")
    if installed != PINNED_PELICAN:
        problems.append(f"Pelican {installed} is installed, plugins/pelican_compat was checked "
                        f"against {PINNED_PELICAN}: check every name it lists, then move the pin")
    for owner, names in PRIVATE_API.items():
        cls = _OWNERS[owner]
        try:
            instance = _instance(owner, workdir)
        except Exception as exc:  # a changed constructor: named, not a traceback
            problems.append(f"{owner}(...) can no longer be made as before: {exc}")
            instance = None
        for name, where in names:
            target = cls if where == "class" else instance
            if target is not None and not hasattr(target, name):
                problems.append(f"{owner}.{name} is gone ({where} attribute)")
    for qualified, expected in SIGNATURES.items():
        owner, _, name = qualified.rpartition(".")
        function = getattr(_OWNERS[owner], name, None)
        if function is None:
            continue  # already reported above, or a public name
        if owner == "pelican.contents.Content" and name == "get_relative_source_path":
            function = PELICAN_RELATIVE_SOURCE_PATH
        found = str(inspect.signature(function))
        if found != expected:
            problems.append(f"{qualified} changed signature: {found}, expected {expected}")
    return problems
