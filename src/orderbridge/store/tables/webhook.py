"""QuickBooks Commerce webhooks: what the hub registered, and what QBC delivered.

A subscription is one event at one address (QBC allows one event per webhook, reference §7.7),
with QBC's id for it, so a check can tell which ones QBC deleted. A delivery is recorded when
it arrives, once per ``X-Gecko-Delivery`` id, and worked off later by the job that owns its
kind of record; ``processed_at`` and ``outcome`` say what became of it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.store.tables.base import Base
from orderbridge.store.tables.columns import UtcDateTime, utcnow
from orderbridge.store.tables.integration import INTEGRATION_FK


class WebhookSubscription(Base):
    """One QBC webhook the hub registered for an integration."""

    __tablename__ = "qbc_webhook_subscriptions"
    __table_args__ = (UniqueConstraint("integration_id", "event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(60))
    remote_id: Mapped[int] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(String(500))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When a check last found it still registered in QBC."""
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    """How often it was registered again after QBC deleted it."""


class WebhookDelivery(Base):
    """One delivery QBC made to the hub, recorded before it is answered."""

    __tablename__ = "qbc_webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("integration_id", "delivery_id"),
        Index(None, "integration_id", "processed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    delivery_id: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
