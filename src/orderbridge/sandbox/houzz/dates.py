"""Dates as Houzz writes and reads them.

Responses carry `Created` as `YYYY-MM-DD HH:MM:SS` with no zone (observed); the simulator writes it
in its configured zone (Pacific by default, a guess). `From`/`To` arrive as a date, a date and time,
with fractional seconds, or with an offset; un-encoded clients turn `+00:00` into ` 00:00`, which is
read as `+00:00` too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo

CREATED_FORMAT = "%Y-%m-%d %H:%M:%S"
ACCEPTED_FORMATS = (
    "YYYY-MM-DD, YYYY-MM-DD HH:MM:SS (optionally with .ffffff) or YYYY-MM-DD HH:MM:SS+00:00"
)

_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[ T](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d+))?"
    r"\s*(?P<offset>Z|[+\- ]\d{2}:?\d{2})?)?$"
)


def format_created(instant: datetime, zone: tzinfo) -> str:
    return instant.astimezone(zone).strftime(CREATED_FORMAT)


def parse_houzz_datetime(text: str, zone: tzinfo, *, end_of_day: bool = False) -> datetime | None:
    """An aware datetime for `text`, or None when it is in none of the accepted formats.

    A date alone means the start of that day, or its last instant when `end_of_day` is set (so
    `To=2024-05-01` includes everything created on May 1st). Without an offset the value is in
    `zone`.
    """
    match = _DATE_TIME.match(text.strip())
    if match is None:
        return None
    try:
        day = datetime.strptime(match["date"], "%Y-%m-%d")
        if match["time"] is None:
            if end_of_day:
                return datetime.combine(day.date(), time.max, zone)
            return day.replace(tzinfo=zone)
        clock = datetime.strptime(match["time"], "%H:%M:%S").time()
        micros = int((match["frac"] or "0")[:6].ljust(6, "0"))
        naive = datetime.combine(day.date(), clock).replace(microsecond=micros)
    except ValueError:
        return None
    offset = match["offset"]
    if offset is None:
        return naive.replace(tzinfo=zone)
    return naive.replace(tzinfo=_offset_zone(offset))


def _offset_zone(offset: str) -> tzinfo:
    if offset == "Z":
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(sign * delta)
