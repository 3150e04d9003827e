"""What a merchant sees of orders, the same in `orderbridge orders`, on the Orders screen and in
``/api/v1/orders``: the list row (``order_summary``), a search page of them (``find_orders``),
and everything about one order (``order_document``).

The document holds the details, the lines (Houzz SKU beside the QBC SKU it was translated to),
the packages with a tracking link, the full timeline, the Houzz payload received and the QBC
payload sent, the payloads with their secret-looking values masked (``payload_masking``), and
which of the merchant's actions apply (``order_refusals``: None, or why not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.errors import UsageError
from orderbridge.model import OrderStatus
from orderbridge.store import orders, shipments, timeline, variants
from orderbridge.store.order_search import OrderQuery, search_orders
from orderbridge.store.tables import Integration, Order
from orderbridge.workflows.order_refusals import refusals
from orderbridge.workflows.payload_masking import masked
from orderbridge.workflows.tracking_links import tracking_link


class OrderNotFound(UsageError):
    """No order answers to the reference given."""


def order_by_ref(session: Session, integration: Integration, ref: str) -> Order:
    """The order a person means by ``ref`` (its cust_ref or Houzz OrderId)."""
    order = orders.find_order(session, integration.id, ref.strip())
    if order is None:
        raise OrderNotFound(f"no order {ref!r} in integration {integration.name!r} (give its "
                            "cust_ref or Houzz OrderId; the orders list shows them)")
    return order


@dataclass(frozen=True)
class OrderFilter:
    """A search as a merchant types it: words, a status, a range of order days (UTC, both
    days included)."""

    text: str | None = None
    status: OrderStatus | None = None
    date_from: date | None = None
    date_to: date | None = None

    def query(self) -> OrderQuery:
        return OrderQuery(
            text=self.text, status=self.status,
            ordered_from=None if self.date_from is None else _midnight(self.date_from),
            ordered_before=None if self.date_to is None or self.date_to == date.max
            else _midnight(self.date_to + timedelta(days=1)))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def find_orders(session: Session, integration_id: int, wanted: OrderFilter, *, limit: int,
                offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """One page of the matching orders' summaries, newest first, and how many match."""
    found, total = search_orders(session, integration_id, wanted.query(), limit=limit,
                                 offset=offset)
    return [order_summary(order) for order in found], total


def order_summary(order: Order) -> dict[str, Any]:
    """The fields of `orders list --json` (one row of the list)."""
    return {
        "cust_ref": order.cust_ref,
        "houzz_order_id": order.channel_order_id,
        "status": order.status.value,
        "order_date": None if order.order_date is None else order.order_date.isoformat(),
        "buyer": buyer_name(order),
        "qbc_order_id": order.warehouse_order_id,
        "hold_reason_code": None if order.hold_reason_code is None
        else order.hold_reason_code.value,
        "hold_reason": order.hold_reason,
        "outbound_effect": None if order.outbound_effect is None
        else order.outbound_effect.value,
        "outbound_state": order.outbound_state.value,
        "outbound_attempts": order.outbound_attempts,
        "next_attempt_at": None if order.next_attempt_at is None
        else order.next_attempt_at.isoformat(),
        "last_error": order.last_error,
    }


def buyer_name(order: Order) -> str | None:
    """The ship-to person's name, as Houzz gave it."""
    party = (order.canonical or {}).get("ship_to") or {}
    name = " ".join(str(part) for part in (party.get("first_name"), party.get("last_name"))
                    if part)
    return name or None


def order_document(session: Session, order: Order) -> dict[str, Any]:
    """Everything about one order, for `orders show` and the order detail."""
    canonical = orders.load_canonical(order)
    skus = [] if canonical is None else [line.warehouse_sku or line.item
                                         for line in canonical.product_lines]
    known = variants.active_variant_ids_by_sku(session, order.integration_id, skus)
    return {
        **order_summary(order),
        "channel_status": order.channel_status,
        "cancel_state": None if order.cancel_state is None else order.cancel_state.value,
        "order": None if canonical is None else canonical.model_dump(mode="json"),
        "qbc_variants": {sku: ids for sku, ids in known.items()},
        "houzz_payload": masked(order.channel_payload),
        "qbc_payload": masked(order.warehouse_payload),
        "packages": package_rows(session, order.id),
        "actions": refusals(order),
        "timeline": [{"at": event.at.isoformat(), "kind": event.kind, "message": event.message,
                      "data": masked(event.data)}
                     for event in timeline.timeline(session, order.id)],
    }


def package_rows(session: Session, order_id: int) -> list[dict[str, Any]]:
    """The packages QBC shipped for the order (one per fulfillment), first shipped first."""
    return [{"fulfillment_id": row.fulfillment_id, "carrier": row.carrier,
             "service": row.service, "tracking_number": row.tracking_number,
             "tracking_url": row.tracking_url,
             "tracking_link": tracking_link(row.carrier, row.tracking_number, row.tracking_url),
             "shipped_at": None if row.shipped_at is None else row.shipped_at.isoformat(),
             "lines": row.lines} for row in shipments.packages_of(session, order_id)]
