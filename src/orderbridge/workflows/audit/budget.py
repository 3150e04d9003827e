"""What an audit will cost, said before it starts: pages per collection, from what the hub
already knows of the account (its orders, packages, variants and listings of the period).

An estimate, not a promise: orders the hub never saw add Houzz pages, and each read paces
itself on QBC's rate headers, sharing the budget with the jobs running meanwhile.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from math import ceil
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orderbridge.connectors.houzz.client import LISTINGS_PAGE_SIZE
from orderbridge.connectors.qbc.transport import PAGE_SIZE
from orderbridge.store.tables import InventoryLevel, Order, ShippedPackage, WarehouseVariant
from orderbridge.workflows.context import IntegrationContext

QBC_BUDGET = "300 calls per 5 minutes"


@dataclass(frozen=True)
class CallPlan:
    houzz_calls: int
    qbc_calls: int
    orders: int
    variants: int
    listings: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def text(self) -> str:
        return (f"This audit reads about {self.qbc_calls} QuickBooks Commerce call(s) (of "
                f"{QBC_BUDGET}) and {self.houzz_calls} Houzz call(s), for about "
                f"{self.orders} order(s), {self.variants} variant(s) and {self.listings} "
                "listing(s); it only reads, and paces itself beside the running jobs.")


def plan_calls(ctx: IntegrationContext, since: datetime) -> CallPlan:
    with ctx.store.session() as session:
        orders = _count(session, Order, ctx.integration_id, Order.order_date >= since)
        delivered = _count(session, Order, ctx.integration_id, Order.order_date >= since,
                           Order.warehouse_order_id.is_not(None))
        packages = _count(session, ShippedPackage, ctx.integration_id,
                          ShippedPackage.shipped_at >= since)
        variants = _count(session, WarehouseVariant, ctx.integration_id)
        listings = _count(session, InventoryLevel, ctx.integration_id)
    houzz_page = ctx.config.houzz_page_size
    houzz = _pages(orders, houzz_page) + _pages(listings, LISTINGS_PAGE_SIZE)
    qbc = (_pages(variants, PAGE_SIZE) + _pages(delivered, PAGE_SIZE)
           + 2 * ceil(delivered / PAGE_SIZE) + _pages(packages, PAGE_SIZE))
    return CallPlan(houzz, qbc, orders, variants, listings)


def _pages(records: int, size: int) -> int:
    """Pages to read ``records`` (a full last page needs one more read to see the end)."""
    return records // size + 1


def _count(session: Session, table: Any, integration_id: int, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(table).where(
        table.integration_id == integration_id, *where)) or 0
