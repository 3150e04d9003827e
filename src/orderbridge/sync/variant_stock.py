"""Reading the stock facts out of a QBC variant record, whatever shape its fields take.

QBC sends stock as strings or null (reference §7.5) in `locations[]`; older accounts may only
have the deprecated `stock_levels` / `committed_stock_levels` hashes, and as a last resort the
account-wide totals (then listed under location 0, which only `inventory_locations = all`
counts). Anything unreadable counts as 0, never as stock.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from orderbridge.sync.stock_policy import ZERO, LocationStock, VariantStock

TOTALS_LOCATION = 0


def variant_stock(record: dict[str, Any]) -> VariantStock | None:
    """The variant's stock facts; None when it has no SKU (nothing on Houzz can name it)."""
    sku = str(record.get("sku") or "").strip()
    if not sku or record.get("id") is None:
        return None
    return VariantStock(
        variant_id=int(record["id"]), sku=sku,
        archived=str(record.get("status") or "active") != "active",
        manage_stock=_flag(record.get("manage_stock"), default=True),
        max_online=_number_or_none(record.get("max_online")),
        locations=_locations(record))


def _locations(record: dict[str, Any]) -> tuple[LocationStock, ...]:
    rows = record.get("locations")
    if isinstance(rows, list) and rows:
        return tuple(LocationStock(int(row["location_id"]), _number(row.get("stock_on_hand")),
                                   _number(row.get("committed")))
                     for row in rows if isinstance(row, dict) and _is_id(row.get("location_id")))
    on_hand, committed = record.get("stock_levels"), record.get("committed_stock_levels")
    if isinstance(on_hand, dict) and on_hand:
        committed = committed if isinstance(committed, dict) else {}
        return tuple(LocationStock(int(key), _number(value), _number(committed.get(key)))
                     for key, value in on_hand.items() if _is_id(key))
    return (LocationStock(TOTALS_LOCATION, _number(record.get("stock_on_hand")),
                          _number(record.get("committed_stock"))),)


def _is_id(value: Any) -> bool:
    return str(value).strip().isdigit()


def _number_or_none(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _number(value: Any) -> Decimal:
    number = _number_or_none(value)
    return ZERO if number is None else number


def _flag(value: Any, *, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return default
