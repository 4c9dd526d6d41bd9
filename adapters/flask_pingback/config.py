"""The ``PINGBACK_*`` config keys of a Flask app, read through pingcore's one settings table.

The keys, types, defaults and checks are the core's (``pingcore.settings``); a value
of the wrong type stops ``init_app`` with a ``SettingError`` naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pingcore import MISSING, PingbackSettings, read_settings
from pingcore.settings import settings_for

__all__ = ["DEFAULT_CONFIG", "FRAMEWORK", "read_config"]

FRAMEWORK = "flask"

# Every key the extension reads, with its default; init_app sets what is unset.
DEFAULT_CONFIG: Mapping[str, Any] = {
    setting.key: setting.default for setting in settings_for(FRAMEWORK)
}


def read_config(config: Mapping[str, Any]) -> PingbackSettings:
    """The app's ``PINGBACK_*`` keys, checked; raises ``SettingError`` naming a bad one."""
    return read_settings(lambda key: config.get(key, MISSING), FRAMEWORK)
