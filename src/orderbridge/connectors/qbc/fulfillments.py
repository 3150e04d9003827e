"""Reading QBC fulfillments (QBC's name for shipments) as packages the hub understands.

`GET /fulfillments?include=fulfillment_line_items` sideloads the lines as a top-level
`fulfillment_line_items` array beside `fulfillments` (reference §4, §7.6); this module joins
the two and keeps what the tracking workflow needs. Quantities arrive as decimal strings.
An index that gives only `fulfillment_line_item_ids` leaves a package's lines missing
(``Package.lines_missing``); the lines are then read from `/fulfillment_line_items`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from orderbridge.connectors.qbc.records import integer, moment, text


@dataclass(frozen=True)
class PackageLine:
    """What one package holds of one variant."""

    variant_id: int | None
    sku: str | None
    quantity: Decimal


@dataclass(frozen=True)
class Package:
    """One fulfillment as read from QBC."""

    fulfillment_id: str
    warehouse_order_id: str
    status: str
    carrier: str | None
    service: str | None
    tracking_number: str | None
    tracking_url: str | None
    shipped_at: datetime | None
    updated_at: str | None
    """As QBC wrote it (kept in the store)."""
    lines: tuple[PackageLine, ...]
    line_ids: tuple[str, ...] = ()
    """The ids of its lines, as the fulfillment lists them."""

    @property
    def lines_missing(self) -> bool:
        """The fulfillment names lines the answer did not include."""
        return not self.lines and bool(self.line_ids)

    @property
    def updated(self) -> datetime | None:
        return moment(self.updated_at)

    def lines_json(self) -> list[dict[str, Any]]:
        return [{"variant_id": line.variant_id, "sku": line.sku, "quantity": str(line.quantity)}
                for line in self.lines]


def packages_from_page(body: Any) -> list[Package]:
    """The fulfillments of one index page, each with its sideloaded lines."""
    if not isinstance(body, dict):
        return []
    lines: dict[str, list[PackageLine]] = {}
    for raw in _list(body.get("fulfillment_line_items")):
        if isinstance(raw, dict) and raw.get("fulfillment_id") is not None:
            lines.setdefault(str(raw["fulfillment_id"]), []).append(_line(raw))
    packages = []
    for raw in _list(body.get("fulfillments")):
        if not isinstance(raw, dict) or raw.get("id") is None or raw.get("order_id") is None:
            continue
        fulfillment_id = str(raw["id"])
        embedded = [_line(line) for line in _list(raw.get("fulfillment_line_items"))
                    if isinstance(line, dict)]
        packages.append(Package(
            fulfillment_id=fulfillment_id, warehouse_order_id=str(raw["order_id"]),
            status=str(raw.get("status") or ""), carrier=text(raw.get("tracking_company")),
            service=text(raw.get("service")), tracking_number=text(raw.get("tracking_number")),
            tracking_url=text(raw.get("tracking_url")), shipped_at=moment(raw.get("shipped_at")),
            updated_at=text(raw.get("updated_at")),
            lines=tuple(lines.get(fulfillment_id) or embedded),
            line_ids=tuple(str(i) for i in _list(raw.get("fulfillment_line_item_ids"))
                           if isinstance(i, int | str))))
    return packages


def lines_from_page(body: Any) -> list[tuple[str, PackageLine]]:
    """The lines of a `/fulfillment_line_items` page, each with its fulfillment's id."""
    raw_lines = body.get("fulfillment_line_items") if isinstance(body, dict) else None
    return [(str(raw["fulfillment_id"]), _line(raw)) for raw in _list(raw_lines)
            if isinstance(raw, dict) and raw.get("fulfillment_id") is not None]


def _list(value: Any) -> list[Any]:
    """A JSON array as sent; anything else (a number, a string, an object) holds nothing."""
    return value if isinstance(value, list) else []


def _line(raw: dict[str, Any]) -> PackageLine:
    return PackageLine(integer(raw.get("variant_id")), text(raw.get("variant_sku")),
                       _decimal(raw.get("quantity")))


def _decimal(value: Any) -> Decimal:
    """A quantity; 0 for one that is no number of units ("NaN", "Infinity", garbage)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)
