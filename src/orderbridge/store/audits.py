"""The audits of each integration: asked for, taken, finished. No function here commits.

Audits are run under the integration's ``audit`` lease (`runtime.audits`), so whoever holds it
may take any audit not finished: one started by a process that died is taken again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from orderbridge.store.tables import Audit

KEEP = 20
"""Audits kept per integration (the newest)."""


def request_audit(session: Session, integration_id: int, since: datetime, *, by: str,
                  at: datetime) -> Audit:
    audit = Audit(integration_id=integration_id, since=since, requested_by=by[:100],
                  requested_at=at)
    session.add(audit)
    session.flush()
    _trim(session, integration_id)
    return audit


def unfinished(session: Session, integration_id: int) -> list[Audit]:
    """Audits asked for and not finished, oldest first."""
    return list(session.scalars(select(Audit).where(
        Audit.integration_id == integration_id, Audit.finished_at.is_(None)).order_by(Audit.id)))


def start(session: Session, audit: Audit, *, at: datetime, planned: dict[str, Any]) -> None:
    audit.started_at, audit.planned = at, planned


def finish(session: Session, audit: Audit, *, at: datetime, spent: dict[str, Any],
           checked: dict[str, Any] | None, discrepancies: list[Any] | None,
           error: str | None = None) -> None:
    audit.finished_at, audit.spent = at, spent
    audit.checked, audit.discrepancies, audit.error = checked, discrepancies, error


def latest(session: Session, integration_id: int, *, finished: bool = False) -> Audit | None:
    query = select(Audit).where(Audit.integration_id == integration_id)
    if finished:
        query = query.where(Audit.finished_at.is_not(None))
    return session.scalars(query.order_by(Audit.id.desc()).limit(1)).first()


def get_audit(session: Session, integration_id: int, audit_id: int) -> Audit | None:
    audit = session.get(Audit, audit_id)
    return audit if audit is not None and audit.integration_id == integration_id else None


def recent(session: Session, integration_id: int, *, limit: int = KEEP) -> list[Audit]:
    return list(session.scalars(select(Audit).where(Audit.integration_id == integration_id)
                                .order_by(Audit.id.desc()).limit(limit)))


def _trim(session: Session, integration_id: int) -> None:
    cutoff = session.scalar(select(Audit.id).where(Audit.integration_id == integration_id)
                            .order_by(Audit.id.desc()).offset(KEEP).limit(1))
    if cutoff is not None:
        session.execute(delete(Audit).where(Audit.integration_id == integration_id,
                                            Audit.id <= cutoff))
