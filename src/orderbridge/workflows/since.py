"""A day a merchant gives to read from (``--since``, the Audit screen's date): checked once,
read as midnight UTC, for every command and screen that takes one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from orderbridge.errors import UsageError


def checked_day(text: str) -> date:
    """``YYYY-MM-DD``, a day that has passed; a `UsageError` saying how to write it else."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{text!r} is not a date: pick a day, written YYYY-MM-DD (e.g. "
                         f"{date.today().replace(day=1).isoformat()})") from None
    if day > datetime.now(UTC).date():
        raise UsageError(f"{day.isoformat()} is in the future: pick a day that has passed")
    return day


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
