"""Alerts: what tells a human that something needs them (CartRover's red/grey alert list).

An alert stays active until resolved. Raising the same alert again (same integration, order and
kind) while it is active refreshes its message instead of piling up duplicates, so a held order
seen on every polling cycle makes one alert, not hundreds. Every held order raises one, of its
hold code's kind, and leaving held resolves it, whatever moves the order
(``orders.change_status``). No function here commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orderbridge.store._upsert import rows_affected
from orderbridge.store.tables import Alert
from orderbridge.store.tables.columns import utcnow


def add_alert(
    session: Session,
    integration_id: int,
    *,
    kind: str,
    message: str,
    order_id: int | None = None,
    at: datetime | None = None,
) -> Alert:
    """Raise an alert, or refresh the message of the same active alert; returns it."""
    existing = session.scalars(
        select(Alert).where(
            Alert.integration_id == integration_id,
            Alert.kind == kind,
            Alert.order_id.is_(None) if order_id is None else Alert.order_id == order_id,
            Alert.resolved_at.is_(None),
        )
    ).first()
    if existing is not None:
        existing.message = message
        session.flush()
        return existing
    alert = Alert(
        integration_id=integration_id,
        order_id=order_id,
        kind=kind,
        message=message,
        created_at=at or utcnow(),
    )
    session.add(alert)
    session.flush()
    return alert


def list_alerts(
    session: Session,
    integration_id: int | None = None,
    *,
    active_only: bool = True,
    order_id: int | None = None,
    limit: int = 100,
) -> list[Alert]:
    """Alerts, newest first; all integrations when ``integration_id`` is ``None``."""
    query = select(Alert)
    if integration_id is not None:
        query = query.where(Alert.integration_id == integration_id)
    if order_id is not None:
        query = query.where(Alert.order_id == order_id)
    if active_only:
        query = query.where(Alert.resolved_at.is_(None))
    return list(session.scalars(query.order_by(Alert.id.desc()).limit(limit)))


def resolve_alert(session: Session, alert_id: int, *, at: datetime | None = None) -> bool:
    """Mark one alert resolved; False if it does not exist or was already resolved."""
    result = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.resolved_at.is_(None))
        .values(resolved_at=at or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return rows_affected(result) > 0


def resolve_alerts(
    session: Session,
    integration_id: int,
    *,
    order_id: int | None = None,
    kind: str | None = None,
    at: datetime | None = None,
) -> int:
    """Resolve every active alert of the integration (narrowed by order and/or kind)."""
    query = update(Alert).where(Alert.integration_id == integration_id, Alert.resolved_at.is_(None))
    if order_id is not None:
        query = query.where(Alert.order_id == order_id)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    result = session.execute(
        query.values(resolved_at=at or utcnow()).execution_options(synchronize_session="fetch")
    )
    return rows_affected(result)


def unnotified_alerts(session: Session, integration_id: int, *, limit: int = 200) -> list[Alert]:
    """Active alerts not yet sent by email or webhook, oldest first (what the next batch
    holds). An alert resolved before it went out is left out: it no longer needs anyone."""
    return list(session.scalars(
        select(Alert)
        .where(Alert.integration_id == integration_id, Alert.notified_at.is_(None),
               Alert.resolved_at.is_(None))
        .order_by(Alert.id)
        .limit(limit)
    ))


def mark_notified(session: Session, alert_ids: list[int], *, at: datetime | None = None) -> int:
    """Record that these alerts went out (those already marked keep their time)."""
    if not alert_ids:
        return 0
    result = session.execute(
        update(Alert)
        .where(Alert.id.in_(alert_ids), Alert.notified_at.is_(None))
        .values(notified_at=at or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return rows_affected(result)


def notified_alerts(session: Session, integration_id: int, *, limit: int = 50) -> list[Alert]:
    """Alerts that went out by email or webhook, the latest sent first."""
    return list(session.scalars(
        select(Alert)
        .where(Alert.integration_id == integration_id, Alert.notified_at.is_not(None))
        .order_by(Alert.notified_at.desc(), Alert.id.desc())
        .limit(limit)
    ))


FIX_KIND = "fixed"
"""The kind of the alert that records a fix a person made (and what it released)."""


def record_fix(session: Session, integration_id: int, message: str, *,
               at: datetime | None = None) -> Alert:
    """Record a fix and what it released ("Alias LIN-1 → LIN-THRO-00001 released 3 orders") as
    an alert born resolved: it shows in the resolved list and asks nobody for anything."""
    when = at or utcnow()
    alert = Alert(integration_id=integration_id, kind=FIX_KIND, message=message,
                  created_at=when, resolved_at=when)
    session.add(alert)
    session.flush()
    return alert


def list_resolved(session: Session, integration_id: int, *, limit: int = 50) -> list[Alert]:
    """The integration's resolved alerts, the last resolved first."""
    return list(session.scalars(
        select(Alert).where(Alert.integration_id == integration_id,
                            Alert.resolved_at.is_not(None))
        .order_by(Alert.resolved_at.desc(), Alert.id.desc()).limit(limit)))
