"""Job leases: which process runs an integration's job now, and until when.

One row per (integration, job). A holder owns the row while ``expires_at`` is in the future and
keeps it there by renewing; a holder that dies stops renewing, so its lease lapses and another
process takes the job over (``orderbridge.store.leases``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.store.tables.base import Base
from orderbridge.store.tables.columns import UtcDateTime
from orderbridge.store.tables.integration import INTEGRATION_FK


class JobLease(Base):
    """The lease on one job of one integration."""

    __tablename__ = "job_leases"

    integration_id: Mapped[int] = mapped_column(
        ForeignKey(INTEGRATION_FK, ondelete="CASCADE"), primary_key=True
    )
    job: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    """Who holds it: ``host:pid:random``, unique per process run (``runtime.lease``)."""
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime)
    renewed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
