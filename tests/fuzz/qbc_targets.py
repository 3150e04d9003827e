"""QuickBooks Commerce answers through the real `QbcClient`, served by a loopback front: pages
of orders, variants and fulfillments (and their lines), the account, a created order, each
sound, odd, mutated, cut short or random, under odd paging and rate-limit headers.

A read either gives typed records or raises an error that says what QBC answered. Nothing is
lost: on a page as QBC sent it, every sound record is read, and every record the client skips
is counted (records read + unreadable = records sent). A 422 to a created order holds it with
QBC's words.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.connectors.qbc.fulfillments import Package
from orderbridge.connectors.qbc.pacing import Budget
from orderbridge.errors import RecordRejected, RemoteError
from tests.fuzz.answers import Reply, answer_with, answering_front, replies
from tests.fuzz.mangling import Body
from tests.fuzz.qbc_payloads import PAGING_HEADERS, SOUND, bodies
from tests.fuzz.running import loopback_only, run_cases
from tests.fuzz.tally import FuzzTally
from tests.hostile_front import HostileFront

SINCE = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Read:
    """What a verb read: the ids of its records, how many it skipped as unreadable (None
    when the verb does not count them), and what is wrong with a record it gave."""

    ids: set[str]
    unreadable: int | None = None
    unusable: tuple[str, ...] = ()


def _paged(pages: Any, id_of: Callable[[Any], str]) -> Read:
    pages = list(pages)
    records = [record for page in pages for record in page.records]
    return Read({id_of(record) for record in records}, sum(page.unreadable for page in pages),
                tuple(problem for record in records for problem in _unusable(record)))


def _unusable(record: Any) -> list[str]:
    """A typed record the workflows cannot compute with: a quantity that is no number."""
    lines = record.lines if isinstance(record, Package) else ()
    return [f"line quantity {line.quantity!r}" for line in lines
            if not line.quantity.is_finite()]


def _lines(client: QbcClient) -> Read:
    found = client.fulfillment_lines(["1", "2"])
    return Read(set(found), unusable=tuple(
        problem for lines in found.values()
        for problem in _unusable(Package("", "", "", None, None, None, None, None, None,
                                         lines))))


VERBS: dict[str, tuple[str, Callable[[QbcClient], Read]]] = {
    "orders": ("orders", lambda client: Read({order.id for order in client.find_orders(
        ["R1", "R2"])})),
    "variants": ("variants", lambda client: _paged(client.iter_variants(),
                                                   lambda variant: str(variant.id))),
    "fulfillments": ("fulfillments", lambda client: _paged(
        client.iter_fulfillments(updated_since=SINCE),
        lambda package: package.fulfillment_id)),
    "fulfillment lines": ("fulfillment_line_items", _lines),
    "account": ("account", lambda client: Read({client.current_account().id})),
    "locations": ("locations", lambda client: Read({str(location.id)
                                                    for location in client.locations()})),
    "create order": ("order", lambda client: Read({client.create_order(
        {"order": {"reference_number": "R1"}}, idempotency_key="fuzz-1").id})),
}


SEEDS = [
    ("variants", Reply(200, Body(json.dumps({"variants": [
        {"id": 1, "sku": "SKU-A", "stock_on_hand": "4", SOUND: True}, "junk"]}).encode(),
        "intact"))),
    ("create order", Reply(422, Body(b'{"errors": {"reference_number": ["is taken"]}}',
                                     "intact"))),
    ("orders", Reply(200, Body(b"<html>", "odd"))),
]


def qbc_answers(examples: int) -> FuzzTally:
    cases = st.sampled_from(sorted(VERBS)).flatmap(
        lambda verb: st.tuples(st.just(verb), replies(bodies(VERBS[verb][0]), PAGING_HEADERS)))
    with loopback_only(), answering_front() as front, QbcClient(
            "token", front.url, timeout=5, max_attempts=2, backoff_base_s=0.001,
            max_wait_s=0.5) as client:
        return run_cases("QBC answers", cases, examples,
                         lambda case, tally: _read(client, front, case, tally), SEEDS)


def _read(client: QbcClient, front: HostileFront, case: tuple[str, Reply],
          tally: FuzzTally) -> None:
    verb, reply = case
    root, read = VERBS[verb]
    answer_with(front, reply)
    client.pacer.budget = Budget()  # each case starts as a job does: the window unknown
    try:
        found = read(client)
    except RecordRejected as exc:
        if verb == "create order":  # the delivery holds the order with QBC's words
            tally.hold([exc.message], case)
        else:
            tally.refuse(str(exc), case)
        return
    except RemoteError as exc:
        tally.refuse(str(exc), case)
        return
    if found.unusable:
        tally.crash(f"records read that no workflow can use: {found.unusable[:3]}", case)
        return
    if reply.body.intact and reply.plain:
        _check_nothing_lost(root, reply, found, tally, case)
    tally.accept()


def _check_nothing_lost(root: str, reply: Reply, found: Read, tally: FuzzTally,
                        case: Any) -> None:
    document = json.loads(reply.body.data)
    records = document.get(root) if isinstance(document, dict) else None
    if not isinstance(records, list):
        return
    sound = {str(record["id"]) for record in records
             if isinstance(record, dict) and record.get(SOUND)}
    tally.lose(len(sound - found.ids), f"sound {root} not read: {sorted(sound - found.ids)}",
               case)
    if found.unreadable is not None:
        tally.lose(len(records) - len(found.ids) - found.unreadable,
                   f"{root} neither read nor counted unreadable", case)
