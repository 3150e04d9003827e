"""Tables of the return path for tracking: packages shipped by the warehouse, and the carrier map.

A package is one QBC fulfillment, stored once per integration (the fulfillment id is the key),
so re-reading a window of fulfillments never records a package twice. The carrier map holds the
merchant's own entries (QBC's free-text carrier name → Houzz carrier code); the built-in entries
for the common carriers live in code (``orderbridge.workflows.shipments.carriers``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.store.tables.base import Base
from orderbridge.store.tables.columns import JsonDocument, UtcDateTime, utcnow
from orderbridge.store.tables.integration import INTEGRATION_FK


class ShippedPackage(Base):
    """One package (QBC fulfillment) of a delivered order, with its tracking."""

    __tablename__ = "shipments"
    __table_args__ = (
        UniqueConstraint("integration_id", "fulfillment_id"),
        Index(None, "order_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    fulfillment_id: Mapped[str] = mapped_column(String(64))
    warehouse_order_id: Mapped[str] = mapped_column(String(64))
    carrier: Mapped[str | None] = mapped_column(String(255))
    """QBC's ``tracking_company``, free text as the warehouse typed it."""
    service: Mapped[str | None] = mapped_column(String(255))
    tracking_number: Mapped[str | None] = mapped_column(String(255))
    tracking_url: Mapped[str | None] = mapped_column(Text)
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    """``[{"variant_id", "sku", "quantity"}]``: what the package holds."""
    remote_updated_at: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class CarrierMapping(Base):
    """The merchant's mapping of one warehouse carrier name to a channel carrier code."""

    __tablename__ = "carrier_map"
    __table_args__ = (UniqueConstraint("integration_id", "carrier_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    carrier_key: Mapped[str] = mapped_column(String(255))
    """The carrier name normalised (case, spaces and punctuation ignored): what is matched."""
    carrier_name: Mapped[str] = mapped_column(String(255))
    """The carrier name as the merchant typed it, for display."""
    channel_code: Mapped[str] = mapped_column(String(100))
