"""Deliveries that do not simply succeed: QBC refused or failed, or the outcome is unknown.

`record_failure` commits what a failed `POST /orders` means (held, paused, or retried later on
the order's backoff schedule). `not_in_qbc` settles orders left in flight by a crash or a
timeout: they are looked up by `reference_number` (all of them in one call: QBC's string
filters take several values, reference §4) before anything is sent again; those QBC has are
delivered, the others are marked not sent and go again with the same payload and key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.payload import reference_of
from orderbridge.connectors.qbc.records import QbcOrder
from orderbridge.errors import ConfigurationError, RecordRejected, RemoteError
from orderbridge.store import alerts, orders
from orderbridge.store.tables import Order
from orderbridge.workflows import _outbound
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.result import DeliverResult, IntegrationPaused
from orderbridge.workflows.orders.translate import remember_buyer
from orderbridge.workflows.orders.verbs import hold_refused, mark_delivered
from orderbridge.workflows.pause import pause


def not_in_qbc(ctx: IntegrationContext, unknown: Sequence[tuple[int, dict[str, Any]]],
               result: DeliverResult) -> list[int]:
    """For orders whose last attempt's outcome is unknown (id, payload sent): does QBC have
    them already? Those it has are delivered; the others are marked not sent and returned."""
    if not unknown:
        return []
    references = {order_id: reference_of(payload) or "" for order_id, payload in unknown}
    try:
        found = ctx.qbc.find_orders(set(references.values()) - {""})
    except RemoteError as exc:
        for order_id, _ in unknown:
            record_failure(ctx, order_id, exc, result)
        return []
    matches: dict[str, list[QbcOrder]] = {}
    for record in sorted(found, key=lambda record: record.id):
        matches.setdefault(record.reference_number or "", []).append(record)
    missing = []
    with ctx.store.begin() as session:
        now = ctx.clock.now()
        locked = orders.lock_orders(session, list(references))
        for order_id, reference in references.items():
            order = locked[order_id]
            same = matches.get(reference, []) if reference else []
            if not same:
                _outbound.not_sent(session, order, at=now, message=(
                    f"QuickBooks Commerce has no order {reference}; the interrupted attempt "
                    "created nothing, sending again"))
                missing.append(order_id)
                continue
            found_delivered(session, ctx, order, same, at=now)
            result.recovered += 1
    return missing


def found_delivered(session: Session, ctx: IntegrationContext, order: Order,
                    matches: list[QbcOrder], *, at: datetime) -> None:
    """A lookup found the order in QBC: delivered (an alert if QBC holds it twice)."""
    mark_delivered(session, order, matches[0], at=at, found_by_lookup=True)
    canonical = orders.load_canonical(order)
    if canonical is not None:
        remember_buyer(session, ctx, canonical, matches[0])
    if len(matches) > 1:
        alerts.add_alert(session, ctx.integration_id, order_id=order.id,
                         kind="duplicate_in_warehouse", message=(
                             f"QuickBooks Commerce holds {len(matches)} orders with reference"
                             f" {order.channel_order_id}: "
                             f"{', '.join(match.id for match in matches)}"))


def record_failure(ctx: IntegrationContext, order_id: int, exc: RemoteError,
                   result: DeliverResult) -> None:
    """What a failed `POST /orders` means for the order; raises `IntegrationPaused` (after
    committing the pause) when QBC needs a person."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        order = orders.lock_order(session, order_id)
        if isinstance(exc, RecordRejected):
            message = f"QuickBooks Commerce refused the order: {exc.message}"
            hold_refused(session, order, message, at=now)  # the hold raises its alert
            result.held += 1
            return
        if isinstance(exc, ConfigurationError):
            # in flight still: an earlier try of this call may have reached QBC (a lookup
            # settles it after the resume)
            pause(session, ctx, exc.message)
        elif _outbound.after_transient_failure(session, order, exc, ctx.config, at=now,
                                               doing="delivering to QuickBooks Commerce"):
            result.held += 1
            return
        else:
            result.retrying += 1
            return
    raise IntegrationPaused(exc.message)  # committed first: raising inside would roll it back
