"""One delivery run's groups of orders: committed in flight together, then sent one by one.

A group is as many due orders as QBC's rate window lets go now (at most ``GROUP``). One
transaction records the previous group's answers (delivered) and commits this group in flight:
each order is re-read with its row locked, translated, and then held, previewed, canceled (the
buyer canceled it on Houzz) or put in flight. Then each is POSTed in turn. So the protocol is
unchanged (in flight is committed before a POST; a crash between a POST and the commit of its
answer leaves the order in flight, looked up before any retry) and a group costs a handful of
statements and one commit instead of several of each per order.

Orders of one group never create the same new buyer in QBC: the second waits for the next
group, when the first one's buyer ids are stored. Orders found in flight from an earlier run
are looked up together (``delivery_recovery.not_in_qbc``) before anything is sent again; an
order whose POST never went (the run stopped, QBC paused the integration) is put back.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.records import QbcOrder
from orderbridge.errors import NotSent, RemoteError
from orderbridge.model import CanonicalOrder, OrderStatus, OutboundEffect
from orderbridge.store import buyers, orders
from orderbridge.store.buyers import WarehouseBuyer
from orderbridge.store.tables import Order
from orderbridge.workflows import _outbound
from orderbridge.workflows.cancel_requests import cancel_before_delivery, cancel_pending
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.delivery_recovery import not_in_qbc, record_failure
from orderbridge.workflows.orders.result import DeliverResult
from orderbridge.workflows.orders.translate import (
    Translator,
    buyer_ids_to_remember,
    new_buyer_keys,
    read_known_buyers,
)
from orderbridge.workflows.orders.verbs import (
    hold_new_order,
    mark_delivered,
    preview,
    start_delivery,
)
from orderbridge.workflows.stop import StopToken, stopped

GROUP = 20
"""Orders committed in flight together, then sent one after another."""


@dataclass(frozen=True)
class Sending:
    """What one attempt sends, and what recording its answer needs from the translation."""

    payload: dict[str, Any]
    key: str
    canonical: CanonicalOrder | None = None
    known_buyers: dict[str, WarehouseBuyer] | None = None


@dataclass(frozen=True)
class Answered:
    """An order QBC created; recorded with the next transaction."""

    order_id: int
    created: QbcOrder
    sending: Sending


@dataclass
class Group:
    """Orders taken together: those committed in flight now, and those found in flight from an
    earlier run (looked up in QBC before anything is sent)."""

    sendings: list[tuple[int, Sending]] = field(default_factory=list)
    unknown: list[tuple[int, Sending]] = field(default_factory=list)


class DeliveryRun:
    """Delivers groups of due orders; keeps QBC's answers until the next transaction."""

    def __init__(self, ctx: IntegrationContext, translator: Translator, result: DeliverResult,
                 stop: StopToken | None) -> None:
        self._ctx, self._translator, self.result, self._stop = ctx, translator, result, stop
        self._answered: list[Answered] = []

    def deliver(self, order_ids: list[int]) -> None:
        """Deliver these due orders, a group at a time (their answers may stay pending:
        ``record_answers`` commits them)."""
        queue = deque(order_ids)
        while queue and not stopped(self._stop):
            group = self._start_group(queue)
            self._settle_and_send(group.unknown)
            self._send(group.sendings)

    def record_answers(self) -> None:
        """Commit the answers not recorded yet."""
        if self._answered:
            with self._transaction():
                pass

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """A transaction that first records the pending answers; if the block fails, they stay
        pending."""
        with self._ctx.store.begin() as session:
            if self._answered:
                self._mark_answered(session)
            yield session
        self.result.delivered += len(self._answered)
        self._answered = []

    def _mark_answered(self, session: Session) -> None:
        now = self._ctx.clock.now()
        locked = orders.lock_orders(session, [answered.order_id for answered in self._answered])
        remember: dict[str, WarehouseBuyer] = {}
        for answered in self._answered:
            order = locked[answered.order_id]
            mark_delivered(session, order, answered.created, at=now)
            canonical = answered.sending.canonical or orders.load_canonical(order)
            if canonical is not None:
                remember.update(buyer_ids_to_remember(canonical, answered.created,
                                                      answered.sending.known_buyers))
        buyers.put_buyers(session, self._ctx.integration_id, remember)

    def _group_size(self) -> int:
        """As many orders as QBC's rate window lets go now (at most ``GROUP``): an order put in
        flight should not then wait for the next window."""
        available = self._ctx.qbc.pacer.available_now()
        return GROUP if available is None else max(1, min(GROUP, available))

    def _start_group(self, queue: deque[int]) -> Group:
        """Take the next orders off ``queue`` and, in one transaction, cancel, hold or preview
        the ones that do not go and commit the others in flight. Orders not taken go back to
        the front of ``queue``."""
        now = self._ctx.clock.now()
        ids = [queue.popleft() for _ in range(min(self._group_size(), len(queue)))]
        group = Group()
        with self._transaction() as session:
            locked = orders.lock_orders(session, ids)  # a sweep waits, or went first
            canonicals = {order_id: CanonicalOrder.model_validate(order.canonical)
                          for order_id, order in locked.items() if _sendable(order)}
            known = read_known_buyers(session, self._ctx, canonicals.values())
            claimed: set[str] = set()
            for position, order_id in enumerate(ids):
                order = locked.get(order_id)
                if order is None or order.status is not OrderStatus.NEW:
                    continue
                if _outbound.in_flight(order, OutboundEffect.DELIVERY):
                    if order.warehouse_payload is not None and order.idempotency_key:
                        group.unknown.append((order_id, Sending(order.warehouse_payload,
                                                                order.idempotency_key)))
                    continue
                if cancel_pending(order):
                    cancel_before_delivery(session, order, at=now)
                    self.result.canceled += 1
                    continue
                canonical = canonicals.get(order_id)
                if canonical is None:  # nothing to translate (never the case for a stored order)
                    continue
                sending = self._prepare(session, order, canonical, known)
                if sending is None:
                    continue
                creates = new_buyer_keys(canonical, known)
                if creates & claimed:
                    # an earlier order of this group creates the same buyer in QBC: this one
                    # waits for that buyer's ids, so QBC never gets the buyer twice
                    queue.extendleft(reversed(ids[position:]))
                    break
                claimed |= creates
                start_delivery(session, order, sending.payload, sending.key, at=now)
                group.sendings.append((order_id, sending))
        return group

    def _prepare(self, session: Session, order: Order, canonical: CanonicalOrder,
                 known: dict[str, WarehouseBuyer]) -> Sending | None:
        """Translate a new order (keeping the translation); hold it, preview it, or return
        what to send."""
        now = self._ctx.clock.now()
        translated = self._translator.translate(session, canonical, known)
        orders.store_canonical(order, translated.canonical)
        if translated.problems:
            hold_new_order(session, order, translated.problems, at=now)
            self.result.held += 1
            return None
        assert translated.payload is not None
        if self._ctx.config.delivery == "preview":
            preview(session, order, translated.payload, at=now)
            self.result.previewed += 1
            return None
        return Sending(translated.payload, translated.idempotency_key, translated.canonical,
                       translated.known_buyers)

    def _send(self, sendings: list[tuple[int, Sending]]) -> None:
        """POST each order of the group; those never sent (stopped, paused, or a rate-limit
        wait too long: `NotSent`, which then ends the run) are put back."""
        unsent = deque(sendings)
        try:
            while unsent and not stopped(self._stop):
                order_id, sending = unsent.popleft()
                try:
                    self._post(order_id, sending)
                except NotSent:
                    unsent.appendleft((order_id, sending))
                    raise
        finally:
            if unsent:
                self._put_back([order_id for order_id, _ in unsent])

    def _post(self, order_id: int, sending: Sending) -> None:
        try:
            created = self._ctx.qbc.create_order(sending.payload, idempotency_key=sending.key)
        except NotSent:
            raise
        except RemoteError as exc:
            record_failure(self._ctx, order_id, exc, self.result)
            return
        self._answered.append(Answered(order_id, created, sending))

    def _settle_and_send(self, unknown: list[tuple[int, Sending]]) -> None:
        """Orders left in flight (a crash, a timeout): look them up; send again, with the same
        payload and key, only those QBC does not have."""
        sendings = dict(unknown)
        missing = not_in_qbc(self._ctx, [(order_id, s.payload) for order_id, s in unknown],
                             self.result)
        for order_id in missing:
            if stopped(self._stop):
                return  # not sent: idle, so the next run sends it without a lookup
            sending = sendings[order_id]
            now = self._ctx.clock.now()
            with self._ctx.store.begin() as session:
                order = orders.lock_order(session, order_id)
                if order.status is not OrderStatus.NEW:  # canceled meanwhile by the sweep
                    continue
                if cancel_pending(order):  # canceled on Houzz while the lookup ran: never sent
                    cancel_before_delivery(session, order, at=now)
                    self.result.canceled += 1
                    continue
                start_delivery(session, order, sending.payload, sending.key, at=now)
            self._post(order_id, sending)

    def _put_back(self, order_ids: list[int]) -> None:
        """Orders committed in flight whose POST never went: idle again, the attempt not
        counted, delivered by a later run."""
        with self._ctx.store.begin() as session:
            now = self._ctx.clock.now()
            for order in orders.lock_orders(session, order_ids).values():
                if order.status is OrderStatus.NEW:
                    _outbound.put_back(session, order, at=now, message=(
                        "Not sent: delivery stopped before its turn; it goes in the next run"))


def _sendable(order: Order) -> bool:
    """A new order to translate and send now: not in flight, not canceled, translatable."""
    return (order.status is OrderStatus.NEW
            and not _outbound.in_flight(order, OutboundEffect.DELIVERY)
            and not cancel_pending(order) and order.canonical is not None)
