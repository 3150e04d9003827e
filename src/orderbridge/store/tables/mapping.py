"""Tables that translate between channel and warehouse: SKU aliases, ship methods, buyers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.store.tables.base import Base
from orderbridge.store.tables.columns import UtcDateTime, utcnow
from orderbridge.store.tables.integration import INTEGRATION_FK


class SkuAlias(Base):
    """A channel SKU that stands for a different warehouse SKU."""

    __tablename__ = "sku_aliases"
    __table_args__ = (UniqueConstraint("integration_id", "channel_sku"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    channel_sku: Mapped[str] = mapped_column(String(255))
    warehouse_sku: Mapped[str] = mapped_column(String(255))


class ShipMethodMapping(Base):
    """A channel shipping code and what the warehouse gets for it."""

    __tablename__ = "ship_method_map"
    __table_args__ = (UniqueConstraint("integration_id", "channel_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    channel_code: Mapped[str] = mapped_column(String(100))
    warehouse_value: Mapped[str] = mapped_column(String(255))


class Buyer(Base):
    """A buyer already created in the warehouse, so repeat orders need no lookups."""

    __tablename__ = "buyers"
    __table_args__ = (UniqueConstraint("integration_id", "buyer_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    buyer_key: Mapped[str] = mapped_column(String(255))
    warehouse_company_id: Mapped[str] = mapped_column(String(64))
    warehouse_address_id: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
