"""The QBC webhooks of each integration: subscriptions the hub registered, deliveries QBC made.
No function here commits.

A delivery is inserted once per ``X-Gecko-Delivery`` id (a second POST with the same id finds
the row there and changes nothing); the job that owns its kind of record takes the pending ones,
oldest first, and marks each processed with an outcome a person can read.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from orderbridge.store._upsert import insert_or_ignore, upsert
from orderbridge.store.tables import WebhookDelivery, WebhookSubscription

OUTCOME_LENGTH = WebhookDelivery.outcome.type.length or 300


def record_delivery(session: Session, integration_id: int, delivery_id: str, event: str,
                    object_id: int, *, at: datetime) -> bool:
    """Record a delivery; False if this delivery id was recorded before (a duplicate)."""
    return insert_or_ignore(session, WebhookDelivery, {
        "integration_id": integration_id, "delivery_id": delivery_id, "event": event,
        "object_id": object_id, "received_at": at, "attempts": 0,
    }, conflict_on=["integration_id", "delivery_id"])


def pending_deliveries(session: Session, integration_id: int, events: Collection[str], *,
                       limit: int = 1000) -> list[WebhookDelivery]:
    """Deliveries of these events not processed yet, oldest first."""
    return list(session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.integration_id == integration_id,
        WebhookDelivery.processed_at.is_(None),
        WebhookDelivery.event.in_(list(events)),
    ).order_by(WebhookDelivery.id).limit(limit)))


def has_pending(session: Session, integration_id: int, events: Collection[str]) -> bool:
    return session.scalar(select(WebhookDelivery.id).where(
        WebhookDelivery.integration_id == integration_id,
        WebhookDelivery.processed_at.is_(None),
        WebhookDelivery.event.in_(list(events))).limit(1)) is not None


def finish_deliveries(session: Session, ids: Sequence[int], outcome: str, *,
                      at: datetime) -> None:
    if ids:
        session.execute(update(WebhookDelivery).where(WebhookDelivery.id.in_(list(ids)))
                        .values(processed_at=at, outcome=outcome[:OUTCOME_LENGTH],
                                attempts=WebhookDelivery.attempts + 1))


def count_attempt(session: Session, ids: Sequence[int], error: str) -> None:
    """A try that failed (the deliveries stay pending; the error is kept as the outcome)."""
    if ids:
        session.execute(update(WebhookDelivery).where(WebhookDelivery.id.in_(list(ids)))
                        .values(outcome=error[:OUTCOME_LENGTH],
                                attempts=WebhookDelivery.attempts + 1))


def give_up(session: Session, ids: Sequence[int], max_attempts: int, *, at: datetime,
            outcome: str) -> None:
    """Settle those of ``ids`` tried ``max_attempts`` times or more."""
    if ids:
        session.execute(update(WebhookDelivery).where(
            WebhookDelivery.id.in_(list(ids)), WebhookDelivery.attempts >= max_attempts)
            .values(processed_at=at, outcome=outcome[:OUTCOME_LENGTH]))


@dataclass(frozen=True)
class DeliveryCounts:
    """What QBC delivered to an integration since some moment, per event."""

    event: str
    received: int
    pending: int
    last_received_at: datetime | None


def delivery_counts(session: Session, integration_id: int,
                    since: datetime) -> list[DeliveryCounts]:
    rows = session.execute(select(
        WebhookDelivery.event, func.count(),
        func.count().filter(WebhookDelivery.processed_at.is_(None)),
        func.max(WebhookDelivery.received_at),
    ).where(WebhookDelivery.integration_id == integration_id,
            WebhookDelivery.received_at >= since).group_by(WebhookDelivery.event)
        .order_by(WebhookDelivery.event))
    return [DeliveryCounts(event, int(received), int(pending), last)
            for event, received, pending, last in rows]


def recent_deliveries(session: Session, integration_id: int,
                      limit: int = 20) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.integration_id == integration_id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)))


def subscriptions(session: Session, integration_id: int) -> list[WebhookSubscription]:
    return list(session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.integration_id == integration_id)
        .order_by(WebhookSubscription.event)))


def save_subscription(session: Session, integration_id: int, event: str, remote_id: int,
                      address: str, *, at: datetime, renewed: bool = False) -> None:
    """Remember the webhook QBC made for ``event`` (replacing the one it had)."""
    upsert(session, WebhookSubscription, {
        "integration_id": integration_id, "event": event, "remote_id": remote_id,
        "address": address, "registered_at": at, "checked_at": at, "renewals": 0,
    }, conflict_on=["integration_id", "event"],
        update=["remote_id", "address", "registered_at", "checked_at"])
    if renewed:
        session.execute(update(WebhookSubscription).where(
            WebhookSubscription.integration_id == integration_id,
            WebhookSubscription.event == event)
            .values(renewals=WebhookSubscription.renewals + 1))


def mark_checked(session: Session, integration_id: int, events: Collection[str], *,
                 at: datetime) -> None:
    if events:
        session.execute(update(WebhookSubscription).where(
            WebhookSubscription.integration_id == integration_id,
            WebhookSubscription.event.in_(list(events))).values(checked_at=at))


def forget_subscriptions(session: Session, integration_id: int) -> int:
    result = session.execute(delete(WebhookSubscription).where(
        WebhookSubscription.integration_id == integration_id))
    return int(getattr(result, "rowcount", 0) or 0)
