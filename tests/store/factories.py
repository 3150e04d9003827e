"""Small builders of test data for store tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.model import CanonicalOrder, OrderLine, Party
from orderbridge.store.orders import DownloadedOrder, insert_downloaded

ORDER_DATE = datetime(2024, 3, 1, 17, 30, tzinfo=UTC)


def houzz_payload(order_id: str, **extra: Any) -> dict[str, Any]:
    """A raw Houzz-like order as the channel would send it."""
    return {"OrderId": order_id, "Status": "Charged", "Total": 31.55, **extra}


def canonical(order_id: str, cust_ref: str) -> CanonicalOrder:
    """A small canonical order with one product line."""
    return CanonicalOrder(
        cust_po_no=order_id,
        cust_ref=cust_ref,
        order_date=ORDER_DATE,
        ship_to=Party(first_name="Ada", last_name="Lovelace", zip="78701", country="US"),
        items=(
            OrderLine(
                line_no=1,
                item="HZ-CHAIR",
                quantity=Decimal("2"),
                price=Decimal("10.25"),
                extended_amount=Decimal("20.50"),
            ),
        ),
        shipping_amount=Decimal("7.95"),
        tax_amount=Decimal("3.10"),
        order_total=Decimal("31.55"),
    )


def store_order(session: Session, integration_id: int, channel_order_id: str, *,
                payload: dict[str, Any] | None = None, status: str | None = "Charged",
                cust_ref: str | None = None, order_date: datetime | None = None,
                at: datetime | None = None) -> tuple[int, bool]:
    """One downloaded order stored as the download job stores a page: (order id, created)."""
    order = canonical(channel_order_id, cust_ref or f"R-{channel_order_id}")
    if order_date is not None:
        order = order.model_copy(update={"order_date": order_date})
    downloaded = DownloadedOrder(channel_order_id, houzz_payload(channel_order_id)
                                 if payload is None else payload, order, status)
    return insert_downloaded(session, integration_id, [downloaded], at=at)[channel_order_id]
