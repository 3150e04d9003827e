"""Houzz answers through the real `HouzzClient`, served by a loopback front.

- ``orders``: `getOrders` pages (JSON: sound, odd, mutated, cut short, random bytes) read by
  the real `download` job, which stores each page: a bad order is held with its reason, the
  others in the page land, and every order of a page taken is in the store afterwards (count
  in = count stored); a page refused moves no cursor, so its window is read again.
- ``writes``: the XML Houzz answers `updateOrder` / `updateInventory` with: an Ack of Success
  is done, an Ack of Error holds the record with Houzz's words, anything else is an error that
  says what happened, and nothing without a Success is taken as done.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from hypothesis import strategies as st
from sqlalchemy import func, select

from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.connectors.houzz.mapping import channel_order_key, channel_status
from orderbridge.connectors.houzz.values import storable
from orderbridge.errors import RecordRejected, RemoteError
from orderbridge.model import OrderStatus
from orderbridge.store import cursors, integrations
from orderbridge.store.tables import Order
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.orders.download import CLOSED_STATUSES, CURSOR, download
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials
from tests.fuzz.answers import Reply, answer_with, answering_front, replies
from tests.fuzz.houzz_payloads import orders_page, says_success, write_answer
from tests.fuzz.mangling import Body
from tests.fuzz.running import Home, loopback_only, private_home, run_cases
from tests.fuzz.tally import FuzzTally
from tests.hostile_front import HostileFront

TIMEOUT_S = "5"
_SOUND = {"OrderId": "1656-9927-9120-7805", "Status": "Charged", "Created": "2025-03-01 10:00:00",
          "CustomerName": "Ada Lovelace", "Address": {"Address": "1 Main St", "City": "Austin",
                                                      "State": "TX", "Zip": "78701"},
          "OrderItems": [{"Type": "Product", "SKU": "SKU-A", "Quantity": 1, "Price": "10.00"}]}
ORDER_SEEDS = [
    Reply(200, Body(json.dumps({"Ack": "Success", "Orders": [_SOUND]}).encode(), "intact")),
    Reply(200, Body(json.dumps({"Ack": "Success", "Orders": [
        {**_SOUND, "OrderId": "1656-9927-9120-7806"}, {"OrderId": "1656-9927-9120-7807"},
        "garbage"]}).encode(), "intact")),
    Reply(200, Body(b'{"Ack": "Success", "Orders": [{"Order', "truncated")),
]
WRITE_SEEDS = [
    ("ship", Reply(200, Body(b"<Response><Ack>Success</Ack></Response>", "intact"))),
    ("ship", Reply(200, Body(b"<Response><Ack>Error</Ack><Errors><Error><Message>Order is "
                             b"canceled</Message></Error></Errors></Response>", "intact"))),
    ("inventory", Reply(200, Body(b"<html>OK</html>", "odd"))),
]


def houzz_orders(examples: int) -> FuzzTally:
    with loopback_only(), private_home() as home, answering_front() as front:
        ctx = _connected(home, front.url)
        try:
            return run_cases("Houzz orders (JSON)", replies(orders_page), examples,
                             lambda reply, tally: _download(ctx, front, reply, tally),
                             ORDER_SEEDS)
        finally:
            ctx.close()


def _connected(home: Home, houzz_url: str) -> IntegrationContext:
    ctx = open_context(home.store, home.settings, "fuzz", create=True)
    with home.store.begin() as session:
        save_sandbox_credentials(session, ctx.integration_id, ctx.box, houzz_url=houzz_url,
                                 qbc_url="http://127.0.0.1:9")
        integrations.set_setting(session, ctx.integration_id, "houzz_timeout_s", TIMEOUT_S)
    ctx.reload_config()
    return ctx


def _download(ctx: IntegrationContext, front: HostileFront, reply: Reply,
              tally: FuzzTally) -> None:
    answer_with(front, reply)
    cursor, last_id = _position(ctx)
    try:
        download(ctx)
    except RemoteError as exc:
        if _position(ctx) != (cursor, last_id):
            tally.lose(1, "a refused page moved the cursor or stored orders", reply)
        tally.refuse(str(exc), reply)
        return
    keys = _page_keys(reply.body.data)
    if keys is None:
        tally.crash("an answer that is no orders page was taken as one", reply)
        return
    with ctx.store.session() as session:
        stored = set(session.scalars(select(Order.channel_order_id).where(
            Order.integration_id == ctx.integration_id, Order.channel_order_id.in_(keys))))
        new = list(session.scalars(select(Order).where(
            Order.integration_id == ctx.integration_id, Order.id > last_id)))
    tally.lose(len(keys - stored), f"orders not stored: {sorted(keys - stored)[:3]}", reply)
    held = [order.hold_reason for order in new if order.status is OrderStatus.HELD]
    if held:
        tally.hold(held, reply)
    else:
        tally.accept()


def _position(ctx: IntegrationContext) -> tuple[str | None, int]:
    """The download cursor and the newest order's id."""
    with ctx.store.session() as session:
        last = session.scalar(select(func.max(Order.id)).where(
            Order.integration_id == ctx.integration_id))
        return cursors.get_cursor(session, ctx.integration_id, CURSOR), last or 0


def _page_keys(data: bytes) -> set[str] | None:
    """The keys of the open orders on a page as Houzz sent it (closed ones are never
    imported); None when the body is no page."""
    try:
        body = json.loads(data)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    entries = body.get("Orders", [])
    if not isinstance(entries, list):
        return None
    raws = storable([entry if isinstance(entry, dict) else {"_unparsed": entry}
                     for entry in entries])
    return {channel_order_key(raw) for raw in raws
            if (channel_status(raw) or "").lower() not in CLOSED_STATUSES}


WRITES: dict[str, Callable[[HouzzClient], None]] = {
    "ship": lambda client: client.ship_order("1111-2222-3333-4444", "UPS", ["1Z999", "1Z998"]),
    "cancel": lambda client: client.cancel_order("1111-2222-3333-4444", "1", "sold out"),
    "inventory": lambda client: client.update_inventory("SKU-A", 3, status="Active"),
}


def houzz_writes(examples: int) -> FuzzTally:
    with loopback_only(), answering_front() as front, HouzzClient(
            HouzzCredentials("token", "seller", "app"), front.url, timeout=5) as client:
        cases = st.tuples(st.sampled_from(sorted(WRITES)), replies(write_answer))
        return run_cases("Houzz write answers (XML)", cases, examples,
                         lambda case, tally: _write(client, front, case, tally), WRITE_SEEDS)


def _write(client: HouzzClient, front: HostileFront, case: tuple[str, Reply],
           tally: FuzzTally) -> None:
    verb, reply = case
    answer_with(front, reply)
    try:
        WRITES[verb](client)
    except RecordRejected as exc:  # the workflow holds the record with Houzz's words
        tally.hold([exc.message], case)
    except RemoteError as exc:
        tally.refuse(str(exc), case)
    else:
        if not says_success(reply.body):
            tally.lose(1, "a write answered without Success was taken as done", case)
        tally.accept()
