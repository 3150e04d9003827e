"""QBC order line items as the audit reads them: which variant, how many, on which order.

`GET /order_line_items?order_id[]=…` lists the lines of many orders in one page (reference
§7.3); the orders index itself gives only `order_line_item_ids`. Quantities come as decimal
strings; a line without a variant (a freeform shipping or fee line) keeps ``variant_id`` None.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from orderbridge.connectors.qbc.records import integer


@dataclass(frozen=True)
class OrderLine:
    order_id: str
    variant_id: int | None
    quantity: Decimal


def order_lines_from_page(body: Any) -> list[OrderLine]:
    """The readable lines of one `/order_line_items` page (a line without an order is left out)."""
    raw_lines = body.get("order_line_items") if isinstance(body, dict) else None
    return [OrderLine(str(raw["order_id"]), integer(raw.get("variant_id")),
                      _quantity(raw.get("quantity")))
            for raw in raw_lines if isinstance(raw, dict) and raw.get("order_id") is not None
            ] if isinstance(raw_lines, list) else []


def _quantity(value: Any) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return quantity if quantity.is_finite() else Decimal(0)
