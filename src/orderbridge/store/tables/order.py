"""Tables of the order flow: orders, their timeline, and the never-reused ``cust_ref`` ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.model import HoldReason, OrderStatus, OutboundEffect, OutboundState
from orderbridge.model.cancel import CancelState
from orderbridge.store.tables.base import Base
from orderbridge.store.tables.columns import JsonDocument, StrEnumType, UtcDateTime, utcnow
from orderbridge.store.tables.integration import INTEGRATION_FK


class Order(Base):
    """One channel order in one integration, with its canonical form and delivery progress.

    ``version`` is SQLAlchemy's optimistic lock: an ORM update made from a stale copy of the row
    raises ``StaleDataError`` instead of overwriting a concurrent change.
    """

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("integration_id", "channel_order_id"),
        UniqueConstraint("integration_id", "cust_ref"),
        Index(None, "integration_id", "status", "id"),
        Index(None, "integration_id", "warehouse_order_id"),
        Index(None, "integration_id", "cancel_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    channel_order_id: Mapped[str] = mapped_column(String(100))
    cust_ref: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[OrderStatus] = mapped_column(StrEnumType(OrderStatus, 20))
    hold_reason_code: Mapped[HoldReason | None] = mapped_column(StrEnumType(HoldReason, 40))
    hold_reason: Mapped[str | None] = mapped_column(Text)
    held_from_status: Mapped[OrderStatus | None] = mapped_column(StrEnumType(OrderStatus, 20))
    canonical: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    channel_payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    channel_status: Mapped[str | None] = mapped_column(String(40))
    order_date: Mapped[datetime | None] = mapped_column(UtcDateTime)
    warehouse_order_id: Mapped[str | None] = mapped_column(String(64))
    warehouse_payload: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    """The exact body sent (or, in preview, that would be sent) to the warehouse."""
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    """The ``Idempotency-Key`` of the order's delivery, kept for retries after a crash."""
    outbound_effect: Mapped[OutboundEffect | None] = mapped_column(StrEnumType(OutboundEffect, 30))
    """The outbound call the hub is carrying out for the order, or carried out last."""
    outbound_state: Mapped[OutboundState] = mapped_column(
        StrEnumType(OutboundState, 20), server_default=OutboundState.IDLE.value
    )
    """Where that call is: idle, in flight (outcome unknown) or done (model.outbound)."""
    outbound_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    """Attempts of ``outbound_effect`` so far (counted afresh for each effect)."""
    outbound_request: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    """What a Houzz call in flight sends again after a crash (a delivery's request is
    ``warehouse_payload``)."""
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    cancel_state: Mapped[CancelState | None] = mapped_column(StrEnumType(CancelState, 20))
    """Where a cancellation asked from outside is (``None``: nobody asked); see model.cancel."""
    cancel_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When the hub first saw the cancellation (on Houzz, or the void in QBC)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


class OrderEvent(Base):
    """One entry of an order's timeline: what happened, when, and the remote ids involved."""

    __tablename__ = "order_events"
    __table_args__ = (Index(None, "order_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)


class CustRef(Base):
    """A ``cust_ref`` handed out to a channel order; kept even if the order row is deleted."""

    __tablename__ = "cust_refs"
    __table_args__ = (
        UniqueConstraint("integration_id", "cust_ref"),
        UniqueConstraint("integration_id", "channel_order_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    cust_ref: Mapped[str] = mapped_column(String(64))
    channel_order_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
