"""Turning a Houzz `Ack` of `Error` into the hub's error classes.

The structure of `Errors` is not documented (reference §2, §9); the simulator answers
`Errors: [{"Code", "Message"}]`. Credential and permission problems need a person and pause the
integration; anything else concerns the record the call was about.
"""

from __future__ import annotations

import re
from typing import Any

from orderbridge.errors import ConfigurationError, RecordRejected

SYSTEM = "Houzz"
_CONFIG_HINTS = ("auth", "credential", "token", "permission", "username", "app name", "header")


def error_messages(errors: Any) -> list[tuple[str, str]]:
    """(code, message) pairs from whatever shape `Errors` took."""
    if isinstance(errors, dict):
        errors = errors.get("Error", [errors])
    if isinstance(errors, dict):
        errors = [errors]
    if not isinstance(errors, list):
        return [("", str(errors))] if errors else []
    pairs = []
    for item in errors:
        if isinstance(item, dict):
            pairs.append((str(item.get("Code", "")), str(item.get("Message", ""))))
        else:
            pairs.append(("", str(item)))
    return pairs


def raise_for_ack(method: str, ack: Any, errors: Any) -> None:
    """Raise unless `ack` says Success."""
    if ack == "Success":
        return
    said = [(code.strip(), message.strip()) for code, message in error_messages(errors)]
    pairs = [pair for pair in said if any(pair)] or [("", f"{method} failed without saying why")]
    text = "; ".join(message or code for code, message in pairs)
    lowered = " ".join(f"{code} {message}" for code, message in pairs).lower()
    if any(hint in lowered for hint in _CONFIG_HINTS):
        raise ConfigurationError(SYSTEM, text)
    raise RecordRejected(SYSTEM, text)


_ALREADY_SHIPPED = re.compile(r"\b(is|already|was)\s+shipped\b", re.IGNORECASE)
_ALREADY_CANCELED = re.compile(r"\bis cancel+ed\b|already cancel+ed", re.IGNORECASE)


def says_already_shipped(exc: RecordRejected) -> bool:
    """Houzz refused a Ship because the order is Shipped already (an earlier attempt did it)."""
    return bool(_ALREADY_SHIPPED.search(exc.message))


def says_already_canceled(exc: RecordRejected) -> bool:
    """Houzz refused a Cancel because the order is Canceled already."""
    return bool(_ALREADY_CANCELED.search(exc.message))
