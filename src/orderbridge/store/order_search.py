"""Finding orders the way a merchant remembers them: one search box over the ids, the buyer's
name and the SKUs, with a status and an order-date range, one page at a time.

The buyer and the lines live in the order's canonical JSON, so the search reads them with JSON
paths (the same expression on SQLite and PostgreSQL) and, for the lines, a correlated
``EXISTS`` over the ``items`` array (``json_each`` on SQLite, ``jsonb_array_elements`` on
PostgreSQL). Every match ignores case and treats ``%`` and ``_`` as plain characters. No
function here commits.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from orderbridge.model import OrderStatus
from orderbridge.store.tables import Order


@dataclass(frozen=True)
class OrderQuery:
    """What to look for; every part is optional and they all apply together."""

    text: str | None = None
    """Part of a cust_ref, a Houzz OrderId (cust_po_no), a buyer's name or a SKU."""
    status: OrderStatus | Collection[OrderStatus] | None = None
    ordered_from: datetime | None = None
    """Orders placed at or after this moment."""
    ordered_before: datetime | None = None
    """Orders placed before this moment."""


def search_orders(session: Session, integration_id: int, query: OrderQuery, *,
                  limit: int = 50, offset: int = 0) -> tuple[list[Order], int]:
    """One page of the matching orders, newest first, and how many match in all."""
    conditions = _conditions(session, integration_id, query)
    total = session.scalar(select(func.count()).select_from(Order).where(*conditions)) or 0
    page = (select(Order).where(*conditions).order_by(Order.id.desc())
            .limit(limit).offset(offset))
    return list(session.scalars(page)), total


def _conditions(session: Session, integration_id: int,
                query: OrderQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Order.integration_id == integration_id]
    if query.status is not None:
        statuses = ([query.status] if isinstance(query.status, OrderStatus)
                    else list(query.status))
        conditions.append(Order.status.in_(statuses))
    if query.ordered_from is not None:
        conditions.append(Order.order_date >= query.ordered_from)
    if query.ordered_before is not None:
        conditions.append(Order.order_date < query.ordered_before)
    text = (query.text or "").strip().lower()
    if text:
        conditions.append(or_(
            _contains(Order.cust_ref, text), _contains(Order.channel_order_id, text),
            _contains(_buyer_name(("ship_to", "first_name"), ("ship_to", "last_name")), text),
            _contains(_buyer_name(("bill_to", "first_name"), ("bill_to", "last_name")), text),
            _contains(Order.canonical[("ship_to", "company")].as_string(), text),
            _line_sku_contains(session.get_bind().dialect.name, text)))
    return conditions


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match, ``%`` and ``_`` matched literally."""
    matched: ColumnElement[bool] = func.lower(column).contains(text, autoescape=True)
    return matched


def _buyer_name(first: tuple[str, str], last: tuple[str, str]) -> ColumnElement[str]:
    """"First Last" from the canonical party (either part may be missing)."""
    return (func.coalesce(Order.canonical[first].as_string(), literal(""))
            + literal(" ") + func.coalesce(Order.canonical[last].as_string(), literal("")))


def _line_sku_contains(dialect: str, text: str) -> ColumnElement[bool]:
    """Whether a line's SKU (as Houzz sent it, or the QBC SKU after an alias) contains
    ``text``."""
    item: ColumnElement[Any]
    warehouse_sku: ColumnElement[Any]
    if dialect == "postgresql":
        line = func.jsonb_array_elements(Order.canonical["items"]).table_valued("value")
        item, warehouse_sku = (line.c.value.op("->>")(key) for key in ("item", "warehouse_sku"))
    else:
        line = func.json_each(Order.canonical, "$.items").table_valued("value")
        item, warehouse_sku = (func.json_extract(line.c.value, f"$.{key}")
                               for key in ("item", "warehouse_sku"))
    return exists(select(literal(1)).select_from(line).where(
        or_(_contains(item, text), _contains(warehouse_sku, text))))
