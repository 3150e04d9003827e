"""QBC variants as the hub reads them: identity for the variant index, stock facts for Houzz.

QBC sends stock as strings or null (reference §7.5) in `locations[]`; older accounts may only
have the deprecated `stock_levels` / `committed_stock_levels` hashes, and as a last resort the
account-wide totals (then listed under location ``TOTALS_LOCATION``, which only
`inventory_locations = all` counts). A missing figure counts as 0, never as stock; a figure
that is there but is no number a warehouse could hold ("many", "NaN", "1e400") makes the whole
record unreadable: it is skipped and counted (``Page.unreadable``), and the SKU it backed shows
0 on Houzz until QBC sends a readable record again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from orderbridge.connectors.qbc.records import integer, moment, text

TOTALS_LOCATION = 0
ZERO = Decimal(0)
MAX_UNITS = Decimal(10) ** 12
"""More units than any warehouse holds: a larger figure is corrupt, not stock."""


class _Unreadable(ValueError):
    """A stock figure that is present but not a number of units."""


@dataclass(frozen=True)
class LocationStock:
    location_id: int
    on_hand: Decimal
    committed: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.committed


@dataclass(frozen=True)
class Variant:
    """One QBC variant: its identity and its stock facts; ``record`` is the JSON as QBC sent
    it (kept in the variant index)."""

    id: int
    sku: str | None
    name: str | None = None
    status: str = "active"
    updated_at: datetime | None = None
    manage_stock: bool = True
    max_online: Decimal | None = None
    locations: tuple[LocationStock, ...] = ()
    record: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def archived(self) -> bool:
        return self.status != "active"


def variant_from(record: Any) -> Variant | None:
    """The variant, or None when the record has no usable id."""
    if not isinstance(record, dict):
        return None
    variant_id = integer(record.get("id"))
    if variant_id is None:
        return None
    try:
        locations = _locations(record)
    except _Unreadable:
        return None
    return Variant(
        id=variant_id, sku=text(record.get("sku")), name=text(record.get("name")),
        status=text(record.get("status")) or "active",
        updated_at=moment(record.get("updated_at")),
        manage_stock=_flag(record.get("manage_stock"), default=True),
        max_online=_number_or_none(record.get("max_online")),
        locations=locations, record=record)


def _locations(record: dict[str, Any]) -> tuple[LocationStock, ...]:
    rows = record.get("locations")
    if isinstance(rows, list) and rows:
        return tuple(LocationStock(int(str(row["location_id"])), _number(row.get("stock_on_hand")),
                                   _number(row.get("committed")))
                     for row in rows
                     if isinstance(row, dict) and integer(row.get("location_id")) is not None)
    on_hand, committed = record.get("stock_levels"), record.get("committed_stock_levels")
    if isinstance(on_hand, dict) and on_hand:
        committed = committed if isinstance(committed, dict) else {}
        return tuple(LocationStock(int(key), _number(value), _number(committed.get(key)))
                     for key, value in on_hand.items() if integer(key) is not None)
    return (LocationStock(TOTALS_LOCATION, _number(record.get("stock_on_hand")),
                          _number(record.get("committed_stock"))),)


def _number_or_none(value: Any) -> Decimal | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _number(value: Any) -> Decimal:
    """A stock figure: 0 when absent; ``_Unreadable`` when present but not a sane number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ZERO
    number = _number_or_none(value)
    if number is None or abs(number) > MAX_UNITS:
        raise _Unreadable(value)
    return number


def _flag(value: Any, *, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return default
