"""Reading a plugin's settings dict (`ARCHIVE_FEEDS`, `ARCHIVE_SEO`, ...) from Pelican's settings.

Owns only the checks the plugins built on `paperarchive` make alike: the setting is a dict
(or absent), names no key the plugin does not know (a typo would otherwise be ignored
silently), and is merged over the plugin's defaults. Checking each value is left to the
plugin, which knows what it means. `pagefind_index` and `archive_writer` depend on nothing of
`paperarchive` and keep their own copy of these checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def merged_over(settings: Mapping[str, Any], name: str, defaults: Mapping[str, Any],
                error: type[Exception] = ValueError) -> dict[str, Any]:
    """`settings[name]` merged over `defaults`; `error` names the setting and what is wrong."""
    given = settings.get(name)
    if given is None:
        given = {}
    if not isinstance(given, Mapping):
        raise error(f"{name}: expected a dict, got {type(given).__name__}")
    unknown = sorted(str(key) for key in set(given) - set(defaults))
    if unknown:
        raise error(f"{name}: unknown key(s) {', '.join(unknown)}; "
                    f"known keys: {', '.join(defaults)}")
    return {**defaults, **given}
