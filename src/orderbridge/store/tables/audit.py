"""Audits a merchant asked for: when, over which period, what they cost and what they found.

A row is written when the audit is asked for (from the web app or the command line) and filled
in by whoever runs it, so the Audit page can show one that is waiting, running or done, and two
processes never run the same one (it is taken by setting ``started_at`` in one statement).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.store.tables.base import Base
from orderbridge.store.tables.columns import JsonDocument, UtcDateTime, utcnow
from orderbridge.store.tables.integration import INTEGRATION_FK


class Audit(Base):
    __tablename__ = "audits"
    __table_args__ = (Index(None, "integration_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    since: Mapped[datetime] = mapped_column(UtcDateTime)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    requested_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    planned: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    """The calls it said it would spend, per side."""
    spent: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    checked: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    discrepancies: Mapped[list[Any] | None] = mapped_column(JsonDocument)
    error: Mapped[str | None] = mapped_column(Text)
