"""Deliveries that do not simply succeed: QBC refused or failed, or the outcome is unknown.

`record_failure` commits what a failed `POST /orders` means (held, paused, or retried later on
the order's backoff schedule); `not_in_qbc` settles orders left in flight by a crash or a
timeout by looking them up by `reference_number` before anything is sent again. These are the
rare paths of delivery, kept on ORM orders and the verbs of `sync.verbs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.errors import ConfigurationError, RecordRejected, RemoteError
from orderbridge.model import HoldReason
from orderbridge.store import alerts, integrations, orders
from orderbridge.store.tables import Order
from orderbridge.sync import verbs
from orderbridge.sync.cancel_verbs import lock_order
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.delivery_result import DeliverResult, IntegrationPaused
from orderbridge.sync.translate import remember_buyer


def not_in_qbc(ctx: IntegrationContext, unknown: Sequence[tuple[int, dict[str, Any]]],
               result: DeliverResult) -> list[int]:
    """For orders whose last attempt's outcome is unknown (id, payload sent): does QBC have
    them already? Those it has are delivered, the others marked not sent and returned (to be
    sent again). One lookup for all: QBC's string filters take several values
    (`reference_number[]=A&reference_number[]=B`, reference §4), so recovering a whole group
    after a crash costs one call, not one per order."""
    if not unknown:
        return []
    references = {order_id: payload["order"]["reference_number"] for order_id, payload in unknown}
    try:
        found = [record for page in ctx.qbc.iter_collection(
                     "/orders", "orders", {"reference_number[]": sorted(set(references.values()))})
                 for record in page if record.get("status") != "deleted"]
    except RemoteError as exc:
        for order_id, _ in unknown:
            record_failure(ctx, order_id, exc, result)
        return []
    matches: dict[str, list[dict[str, Any]]] = {}
    for record in sorted(found, key=lambda record: record["id"]):
        matches.setdefault(str(record.get("reference_number")), []).append(record)
    missing = []
    with ctx.store.begin() as session:
        now = ctx.clock.now()
        for order_id, reference in references.items():
            order = _reload(session, order_id)
            same = matches.get(reference, [])
            if not same:
                verbs.not_sent(session, order, at=now, message=(
                    f"QuickBooks Commerce has no order {reference}; the interrupted attempt "
                    "created nothing, sending again"))
                missing.append(order_id)
                continue
            _found(session, ctx, order, reference, same, at=now)
            result.recovered += 1
    return missing


def _found(session: Session, ctx: IntegrationContext, order: Order, reference: str,
           matches: list[dict[str, Any]], *, at: datetime) -> None:
    verbs.mark_delivered(session, order, matches[0], at=at, found_by_lookup=True)
    canonical = orders.load_canonical(order)
    if canonical is not None:
        remember_buyer(session, ctx, canonical, matches[0])
    if len(matches) > 1:
        alerts.add_alert(session, ctx.integration_id, order_id=order.id,
                         kind="duplicate_in_warehouse", message=(
                             f"QuickBooks Commerce holds {len(matches)} orders with reference"
                             f" {reference}: {', '.join(str(m['id']) for m in matches)}"))


def record_failure(ctx: IntegrationContext, order_id: int, exc: RemoteError,
                    result: DeliverResult) -> None:
    now = ctx.clock.now()
    config = ctx.config
    paused = False
    with ctx.store.begin() as session:
        order = _reload(session, order_id)
        if isinstance(exc, RecordRejected):
            verbs.hold_after_failure(session, order, HoldReason.REJECTED_BY_WAREHOUSE,
                                     f"QuickBooks Commerce refused the order: {exc.message}",
                                     at=now, refused=True)
            alerts.add_alert(session, ctx.integration_id, order_id=order.id,
                             kind="rejected_by_warehouse", message=exc.message)
            result.held += 1
            return
        if isinstance(exc, ConfigurationError):
            integration = integrations.get_integration(session, ctx.name)
            assert integration is not None
            integrations.pause_integration(session, integration, exc.message)
            alerts.add_alert(session, ctx.integration_id, kind="paused", message=exc.message)
            paused = True
        elif order.delivery_attempts >= config.retry_max_attempts:
            verbs.hold_after_failure(session, order, HoldReason.OTHER, (
                f"gave up after {order.delivery_attempts} attempts; last error: {exc.message}. "
                "Run orderbridge orders retry to try again"), at=now, refused=False)
            result.held += 1
            return
        else:
            verbs.retry_after_failure(session, order, exc, config, at=now)
            result.retrying += 1
    if paused:  # committed first: raising inside the transaction would roll the pause back
        raise IntegrationPaused(exc.message)


def _reload(session: Session, order_id: int) -> Order:
    return lock_order(session, order_id)
