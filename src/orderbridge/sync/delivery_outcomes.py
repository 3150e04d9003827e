"""Delivered outcomes waiting for the next transaction, and that transaction.

QBC's answers to a group's POSTs are not committed one by one: they are committed in the same
transaction as the next group's step 1 (in flight), or on their own when the run ends. The
protocol is unchanged (in flight is committed before a POST; a crash between a POST and the
commit of its outcome leaves the order in flight, looked up before any retry), and a group of
orders costs a handful of statements and one commit instead of several of each per order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.model import CanonicalOrder
from orderbridge.store import buyers, delivery_rows
from orderbridge.store.buyers import WarehouseBuyer
from orderbridge.store.timeline import append_events
from orderbridge.sync import delivery_verbs
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.delivery_result import DeliverResult
from orderbridge.sync.translate import buyer_ids_to_remember


@dataclass(frozen=True)
class Sending:
    """What one attempt sends, and what the delivered outcome needs from the translation."""

    payload: dict[str, Any]
    key: str
    canonical: CanonicalOrder | None = None
    known_buyers: dict[str, WarehouseBuyer] | None = None


@dataclass(frozen=True)
class Answered:
    """An order QBC created: its outcome waits for the next transaction."""

    order_id: int
    warehouse_order: dict[str, Any]
    sending: Sending


@dataclass
class Transaction:
    """One transaction of delivery: its session, and the timeline entries written together
    when it ends."""

    session: Session
    events: list[dict[str, Any]] = field(default_factory=list)


class Outcomes:
    """Delivered outcomes not committed yet (the last group's)."""

    def __init__(self, ctx: IntegrationContext, result: DeliverResult) -> None:
        self._ctx, self.result = ctx, result
        self.pending: list[Answered] = []

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A transaction that first records the pending outcomes; if the block fails, they
        stay pending (``commit_pending`` commits them alone)."""
        with self._ctx.store.begin() as session:
            transaction = Transaction(session)
            if self.pending:
                self._mark_delivered(transaction)
            yield transaction
            append_events(session, transaction.events)
        self.result.delivered += len(self.pending)
        self.pending = []

    def commit_pending(self) -> None:
        if self.pending:
            with self.transaction():
                pass

    def _mark_delivered(self, transaction: Transaction) -> None:
        """The outcomes of POSTs QBC answered, on the orders re-read with their rows locked."""
        session = transaction.session
        rows = delivery_rows.lock_rows(session, [answered.order_id for answered in self.pending])
        delivered = []
        remember: dict[str, WarehouseBuyer] = {}
        for answered in self.pending:
            row = rows.get(answered.order_id)
            assert row is not None, f"order {answered.order_id} vanished"
            delivered.append((row, answered.warehouse_order))
            sending = answered.sending
            canonical = sending.canonical or (
                None if row.canonical is None else CanonicalOrder.model_validate(row.canonical))
            if canonical is not None:
                remember.update(buyer_ids_to_remember(canonical, answered.warehouse_order,
                                                      sending.known_buyers))
        transaction.events += delivery_verbs.mark_delivered(session, delivered,
                                                            at=self._ctx.clock.now())
        buyers.put_buyers(session, self._ctx.integration_id, remember)
