"""Field types shared by the canonical models: exact decimals and UTC timestamps.

Money and quantities are ``Decimal`` and never pass through ``float``: a float given to a model is
refused (parse JSON with ``parse_float=Decimal`` or pass strings). In JSON form a decimal is a
string (``"12.50"``), so a dump/validate round trip keeps every digit, trailing zeros included.
Timestamps must carry a time zone and are normalised to UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field


def _refuse_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError(
            f"decimal values must not be given as float (pass a str, int or Decimal); got {value!r}"
        )
    return value


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Dec = Annotated[Decimal, BeforeValidator(_refuse_float), Field(allow_inf_nan=False)]
"""An exact, finite decimal (money or quantity); floats are refused."""

UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware datetime, converted to UTC; naive datetimes are refused."""
