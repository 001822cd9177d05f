"""A plugin's settings dict: absent, a dict over the defaults, or an error naming what is wrong."""

from __future__ import annotations

import pytest
from archive_pages.plugin import plugin_settings

from paperarchive.plugin_settings import merged_over

DEFAULTS = {"count": 100, "enabled": True}


class SettingError(ValueError):
    pass


def test_an_absent_setting_is_the_defaults_and_a_given_one_is_merged_over_them():
    assert merged_over({}, "X", DEFAULTS) == DEFAULTS
    assert merged_over({"X": {"count": 5}}, "X", DEFAULTS) == {"count": 5, "enabled": True}


@pytest.mark.parametrize(("value", "message"), [
    ([], "X: expected a dict, got list"),
    ("", "X: expected a dict, got str"),
    ({"cuont": 5, 3: 1}, "X: unknown key(s) 3, cuont; known keys: count, enabled"),
])
def test_a_wrong_setting_raises_the_plugins_error_naming_it(value, message):
    with pytest.raises(SettingError) as error:
        merged_over({"X": value}, "X", DEFAULTS, SettingError)
    assert str(error.value) == message


def test_archive_pages_rejects_what_is_not_a_dict_and_unknown_keys():
    with pytest.raises(ValueError, match=r"ARCHIVE_PAGES: expected a dict"):
        plugin_settings({"ARCHIVE_PAGES": ["page_size"]})
    with pytest.raises(ValueError, match=r"ARCHIVE_PAGES: unknown key\(s\) page_sise"):
        plugin_settings({"ARCHIVE_PAGES": {"page_sise": 10}})
