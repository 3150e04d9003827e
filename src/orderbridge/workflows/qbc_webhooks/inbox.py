"""The recorded deliveries a job works off: take the pending ones of its events, read the
records they name from QBC by id (250 a call), and settle each with what became of it.

A read that fails leaves the deliveries pending, to be tried at the job's next run; after
``MAX_ATTEMPTS`` they are settled as given up: the polling read catches what they said. Every
job assumes another process may be running it: deliveries are taken under the job's own lease
(`runtime.jobs`), and settling one twice only writes the same outcome again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orderbridge.errors import RemoteError
from orderbridge.store import qbc_webhooks
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.qbc_webhooks.events import events_of

MAX_ATTEMPTS = 5
BATCH = 1000


@dataclass
class Taken:
    """The pending deliveries of one job: their record ids, and the delivery ids per record."""

    deliveries: dict[int, list[int]] = field(default_factory=dict)
    """record id → ids of the deliveries that named it."""

    @property
    def record_ids(self) -> list[str]:
        return [str(record_id) for record_id in self.deliveries]

    def __bool__(self) -> bool:
        return bool(self.deliveries)


def take(ctx: IntegrationContext, job: str) -> Taken:
    """The job's pending deliveries (several naming one record read it once)."""
    taken = Taken()
    events = events_of(job)
    if not events:
        return taken
    with ctx.store.session() as session:
        for row in qbc_webhooks.pending_deliveries(session, ctx.integration_id, events,
                                                   limit=BATCH):
            taken.deliveries.setdefault(row.object_id, []).append(row.id)
    return taken


def pending(ctx: IntegrationContext, job: str) -> bool:
    events = events_of(job)
    if not events:
        return False
    with ctx.store.session() as session:
        return qbc_webhooks.has_pending(session, ctx.integration_id, events)


def settle(ctx: IntegrationContext, taken: Taken, outcomes: dict[int, str], *,
           missing: str) -> None:
    """Mark every taken delivery processed: with the outcome of its record, or ``missing``
    for records QBC did not return (logged by the caller)."""
    now = ctx.clock.now()
    by_outcome: dict[str, list[int]] = {}
    for record_id, delivery_ids in taken.deliveries.items():
        by_outcome.setdefault(outcomes.get(record_id, missing), []).extend(delivery_ids)
    with ctx.store.begin() as session:
        for outcome, ids in by_outcome.items():
            qbc_webhooks.finish_deliveries(session, ids, outcome, at=now)


def failed(ctx: IntegrationContext, taken: Taken, error: RemoteError) -> None:
    """The read failed: count the try; give up on deliveries tried ``MAX_ATTEMPTS`` times."""
    ids = [delivery_id for ids in taken.deliveries.values() for delivery_id in ids]
    with ctx.store.begin() as session:
        qbc_webhooks.count_attempt(session, ids, f"reading the record failed: {error.message}")
        qbc_webhooks.give_up(session, ids, MAX_ATTEMPTS, at=ctx.clock.now(), outcome=(
            f"gave up after {MAX_ATTEMPTS} tries ({error.message}); the polling read "
            "catches this change"))

