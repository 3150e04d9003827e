"""Reading back a `POST /orders` body the hub sent (kept as the order's warehouse payload).

The payload is the record of what QBC was given: its reference number (how a lost answer is
looked up), the status it was created with (draft orders commit no stock), and its product
lines by variant (how much of each variant shipping must cover, and which canonical line each
variant came from).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def _order(payload: Any) -> dict[str, Any]:
    order = payload.get("order") if isinstance(payload, dict) else None
    return order if isinstance(order, dict) else {}


def _product_lines(payload: Any) -> list[dict[str, Any]]:
    lines = _order(payload).get("order_line_items")
    return [line for line in lines if isinstance(line, dict) and line.get("variant_id") is not None
            ] if isinstance(lines, list) else []


def _quantity(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def reference_of(payload: Any) -> str | None:
    """The `reference_number` sent (the Houzz OrderId)."""
    reference = _order(payload).get("reference_number")
    return None if reference is None else str(reference)


def status_sent(payload: Any) -> str | None:
    """The status the order was created with (draft, active, finalized), if sent."""
    status = _order(payload).get("status")
    return None if status is None else str(status)


def ordered_by_variant(payload: Any) -> dict[int, Decimal]:
    """Units ordered per QBC variant."""
    ordered: dict[int, Decimal] = {}
    for line in _product_lines(payload):
        variant = int(line["variant_id"])
        ordered[variant] = ordered.get(variant, Decimal(0)) + _quantity(line.get("quantity"))
    return ordered


def line_numbers_by_variant(payload: Any) -> dict[int, int]:
    """The canonical line number (`position`) of each variant's first line."""
    found: dict[int, int] = {}
    for line in _product_lines(payload):
        found.setdefault(int(line["variant_id"]), int(line.get("position") or 1))
    return found
