"""What Houzz was last told about each SKU's stock, so a cycle pushes only what changed.

One row per integration and Houzz SKU: the last quantity Houzz *accepted* (a failed push leaves
it as it was, so the next cycle tries again), Houzz's refusal when it said the SKU is not listed
(not retried until a `--full` run), and what a `--full` run learned from `getListings`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.store.tables.base import Base
from orderbridge.store.tables.columns import UtcDateTime, utcnow
from orderbridge.store.tables.integration import INTEGRATION_FK


class InventoryLevel(Base):
    """One Houzz SKU's stock as last pushed (or refused)."""

    __tablename__ = "inventory_levels"
    __table_args__ = (UniqueConstraint("integration_id", "sku"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(255))
    """The Houzz SKU."""
    warehouse_sku: Mapped[str | None] = mapped_column(String(255))
    """The QBC SKU that backs it (after aliases); None when no QBC variant does."""
    quantity: Mapped[int | None] = mapped_column(Integer)
    """The last quantity Houzz accepted; None if it never accepted one."""
    pushed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    """Houzz's message about the last failed push (cleared by an accepted one)."""
    error_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    not_listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Houzz refused the SKU (not listed there): not pushed again until a `--full` run."""
    without_variant: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Listed on Houzz (seen by the last `--full` run) but no QBC variant backs it."""
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
