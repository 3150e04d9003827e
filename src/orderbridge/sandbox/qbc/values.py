"""Value formats on the QBC wire, and the coercion of incoming values.

Money and quantities travel as decimal strings ("189.0", "2.0"), stock as plain decimal strings
("10", "-12"), `created_at`/`updated_at` as ISO-8601 UTC with milliseconds and `Z`, and
`issued_at`/`ship_at`/`packed_at` as dates (reference §1).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)


def iso_ms(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def money(value: Decimal | None) -> str | None:
    """"189.0", "12.5", "0.0" – at least one decimal place, no exponent."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text if "." in text else f"{text}.0"


def stock(value: Decimal) -> str:
    """"10", "-12", "2.5" – as stock levels appear in recordings."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def to_decimal(value: Any) -> Decimal | None:
    """A decimal from a JSON number or numeric string; None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return result if result.is_finite() else None
    return None


def to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def parse_moment(text: str) -> datetime | None:
    """ISO-8601 datetime or date (a date means its midnight UTC); None when unparseable."""
    raw = text.strip()
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_date(value: Any) -> date | None:
    """`issued_at` inputs: "2018-06-01", "21-02-2018" or a full ISO timestamp."""
    if not isinstance(value, str):
        return None
    raw = value.strip()
    try:
        return datetime.strptime(raw, "%d-%m-%Y").date()
    except ValueError:
        pass
    moment = parse_moment(raw)
    return moment.date() if moment else None


def flag(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return default
