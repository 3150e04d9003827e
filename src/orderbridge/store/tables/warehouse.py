"""What the hub knows of the warehouse's catalog: QBC variants by id and SKU.

Refreshed incrementally (`updated_at_min`) before deliveries, fully when no cursor exists, so
translating an order's SKUs costs no API call per order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.store.tables.base import Base
from orderbridge.store.tables.columns import JsonDocument, UtcDateTime, utcnow
from orderbridge.store.tables.integration import INTEGRATION_FK


class WarehouseVariant(Base):
    """One QBC variant as last read."""

    __tablename__ = "warehouse_variants"
    __table_args__ = (
        UniqueConstraint("integration_id", "variant_id"),
        Index(None, "integration_id", "sku"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(BigInteger)
    sku: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    record: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    """The variant as QBC sent it (stock per location, flags), for the inventory workflow."""
    remote_updated_at: Mapped[str | None] = mapped_column(String(40))
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
