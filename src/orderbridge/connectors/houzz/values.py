"""Reading loosely typed values from Houzz payloads without ever raising.

Houzz payloads arrive as JSON (numbers may be ints, floats or strings) or XML (everything a
string). Each reader returns a value or None plus a reason, so the mapper can hold the order
with a message naming the field instead of crashing.

These run for every field of every downloaded order, so the common case (a plain string) is
tested first.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

MAX_TEXT = 255
CREATED_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S")
LARGEST_NUMBER = Decimal("1e15")
"""Far above any real price, quantity or total; a larger number is unreadable, so that every
product and sum the mapper makes stays finite (the canonical model refuses infinities)."""

_NOT_TEXT = (dict, list, bool)
_PLAIN_CREATED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}")
"""The shape Houzz sends, which `datetime.fromisoformat` reads as the formats above would."""
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text(value: Any) -> str | None:
    """A stripped string, or None for absent, empty or structured values."""
    if type(value) is str:
        result = value.strip()
    elif value is None or isinstance(value, _NOT_TEXT):
        return None
    else:
        result = str(value).strip()
    return result or None


def decimal(value: Any) -> Decimal | None:
    """An exact, finite decimal of sane size, or None. JSON floats go through repr (shortest
    exact form)."""
    if type(value) is str:
        raw = value
    elif value is None or isinstance(value, _NOT_TEXT):
        return None
    elif isinstance(value, float):
        raw = repr(value)
    else:
        raw = str(value)
    try:
        result = Decimal(raw.strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() and result.copy_abs() < LARGEST_NUMBER else None


def created_at(value: Any, zone: ZoneInfo) -> datetime | None:
    """Houzz's zone-less `Created` read in the integration's zone (aware, any offset); None if
    unreadable or too near the ends of the calendar to convert to UTC."""
    raw = text(value)
    if raw is None:
        return None
    result = _parse_created(raw)
    if result is None:
        return None
    try:
        aware = result.replace(tzinfo=zone)
        aware.astimezone(UTC)
    except OverflowError:
        return None
    return aware


def _parse_created(raw: str) -> datetime | None:
    if _PLAIN_CREATED.fullmatch(raw):
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            return None
    for fmt in CREATED_FORMATS:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def storable(value: Any) -> Any:
    """The payload with the characters no database can store replaced by U+FFFD: NUL
    (PostgreSQL text and JSONB refuse it; no legitimate order field holds one) and lone
    surrogates (a JSON `\\ud800` escape; they cannot be encoded as UTF-8).

    Returns ``value`` itself when it holds neither: one serialisation (in C) finds that out
    for less than a walk through every string, and copies nothing.
    """
    try:
        dumped = json.dumps(value, ensure_ascii=False)
        if "\\u0000" not in dumped:
            dumped.encode()
            return value
    except (TypeError, ValueError):  # not JSON (or a lone surrogate): look at every string
        pass
    return _replaced(value)


def _replaced(value: Any) -> Any:
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_replaced(key): _replaced(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item) for item in value]
    return value
