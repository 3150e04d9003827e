"""Reading loosely typed values from Houzz payloads without ever raising.

Houzz payloads arrive as JSON (numbers may be ints, floats or strings) or XML (everything a
string). Each reader returns a value or None plus a reason, so the mapper can hold the order
with a message naming the field instead of crashing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

MAX_TEXT = 255
CREATED_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S")


def text(value: Any) -> str | None:
    """A stripped string, or None for absent, empty or structured values."""
    if value is None or isinstance(value, dict | list | bool):
        return None
    result = str(value).strip()
    return result or None


def decimal(value: Any) -> Decimal | None:
    """An exact, finite decimal, or None. JSON floats go through repr (shortest exact form)."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def created_at(value: Any, zone: ZoneInfo) -> datetime | None:
    """Houzz's zone-less `Created` read in the integration's zone (aware, any offset)."""
    raw = text(value)
    if raw is None:
        return None
    for fmt in CREATED_FORMATS:
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    return None


def without_nul(value: Any) -> Any:
    """The payload with NUL characters replaced: PostgreSQL text and JSONB cannot hold them,
    and no legitimate order field contains one."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value
