"""Payloads shown to people with their secrets masked.

A payload from Houzz or sent to QBC should hold no credential, but it is the remote's document,
not ours: whatever a key names as a token, password, secret or key is shown as ``mask()``'s
tail only, at any depth, before the order detail reaches a page or a JSON answer.
"""

from __future__ import annotations

import re
from typing import Any

from orderbridge.crypto import MASK, mask

SECRET_KEY = re.compile(
    r"token|passw|pwd|secret|api[_-]?key|authori[sz]ation|credential|private[_-]?key|signature|cvv|"
    r"card[_-]?number", re.IGNORECASE)
"""Key names whose values are treated as secrets ("AccessToken", "client_secret", "ApiKey")."""


def is_secret_key(key: object) -> bool:
    return isinstance(key, str) and SECRET_KEY.search(key) is not None


def masked(value: Any) -> Any:
    """``value`` with every secret-looking key's value masked (a copy; the input is kept)."""
    if isinstance(value, dict):
        return {key: _masked_secret(item) if is_secret_key(key) else masked(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def _masked_secret(value: Any) -> Any:
    if value is None or value == "" or isinstance(value, bool):
        return value
    if isinstance(value, str | int | float):
        return mask(str(value))
    return MASK
