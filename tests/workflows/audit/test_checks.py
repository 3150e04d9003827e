"""The audit's rules, one by one, on facts built by hand (no server): what counts as wrong,
what does not, and which fix each finding carries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from orderbridge.workflows.audit.checks import Commands, find_discrepancies
from orderbridge.workflows.audit.facts import (
    AuditFacts,
    HouzzOrderFacts,
    HubOrderFacts,
    QbcOrderFacts,
)

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
COMMANDS = Commands("shop", "2026-11-01")
LINES = {"CHAIR": 2, "TABLE": 1}


def houzz(order_id: str = "H1", status: str = "Charged", tracking: tuple[str, ...] = (),
          lines: dict[str, int] | None = None) -> HouzzOrderFacts:
    return HouzzOrderFacts(order_id, status, NOW, dict(LINES if lines is None else lines),
                           frozenset(tracking))


def qbc(id_: str = "7", reference: str = "H1", status: str = "active",
        fulfillment: str = "unshipped", tracking: tuple[str, ...] = (),
        lines: dict[str, int] | None = None) -> QbcOrderFacts:
    return QbcOrderFacts(id_, f"SO-{id_}", reference, status, fulfillment,
                         dict(LINES if lines is None else lines), frozenset(tracking),
                         ("31",) if tracking else ())


def hub(order_id: str = "H1", status: str = "at_wms", warehouse_id: str | None = "7",
        reason: str | None = None, in_flight: datetime | None = None) -> HubOrderFacts:
    return HubOrderFacts(order_id, status, warehouse_id, reason, in_flight, None)


def found(facts: AuditFacts) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for item in find_discrepancies(facts, COMMANDS, NOW).discrepancies:
        kinds.setdefault(item.kind, []).append(item.key)
    return kinds


def facts_of(*orders: HouzzOrderFacts, copies: tuple[QbcOrderFacts, ...] = (),
             hubs: tuple[HubOrderFacts, ...] = ()) -> AuditFacts:
    return AuditFacts(houzz_orders=list(orders), qbc_orders=list(copies),
                      hub_orders={h.channel_order_id: h for h in hubs},
                      downloads_status="Charged")


def test_an_order_in_qbc_once_with_its_lines_is_right() -> None:
    findings = find_discrepancies(facts_of(houzz(), copies=(qbc(),), hubs=(hub(),)),
                                  COMMANDS, NOW)
    assert findings.discrepancies == []
    assert findings.checked.in_qbc_once == findings.checked.expected_in_qbc == 1


def test_two_copies_are_a_duplicate_and_the_recorded_one_is_kept() -> None:
    facts = facts_of(houzz(), copies=(qbc("7"), qbc("8")), hubs=(hub(warehouse_id="8"),))
    [item] = find_discrepancies(facts, COMMANDS, NOW).discrepancies
    assert item.kind == "duplicated_in_qbc" and item.repair is None
    assert item.details["kept"] == "8" and "void SO-7" in item.fix.replace("#", "")


def test_other_lines_in_qbc_are_wrong_lines() -> None:
    facts = facts_of(houzz(), copies=(qbc(lines={"CHAIR": 1, "TABLE": 1}),), hubs=(hub(),))
    assert found(facts) == {"wrong_lines": ["H1"]}


@pytest.mark.parametrize(("hub_order", "kind", "job"), [
    (None, "not_downloaded", "download"),
    (hub(status="new", warehouse_id=None), "not_delivered", "deliver"),
    (hub(status="held", warehouse_id=None, reason="unknown SKU X"), "held", None),
    (hub(), "missing_in_qbc", None),
    (hub(status="canceled", warehouse_id=None), "canceled_in_hub_only", None),
])
def test_a_missing_order_is_explained_by_what_the_hub_knows(
        hub_order: HubOrderFacts | None, kind: str, job: str | None) -> None:
    facts = facts_of(houzz(), hubs=(hub_order,) if hub_order else ())
    [item] = find_discrepancies(facts, COMMANDS, NOW).discrepancies
    assert item.kind == kind
    assert (item.repair.job if item.repair else None) == job
    if job == "download":
        assert item.repair is not None and item.repair.since == "2026-11-01"
        assert item.command == ("orderbridge sync --once --job download --since 2026-11-01 "
                                "--integration shop")


@pytest.mark.parametrize("status", ["Shipped", "Cancelled", "New"])
def test_orders_the_hub_was_never_meant_to_carry_are_not_missing(status: str) -> None:
    findings = find_discrepancies(facts_of(houzz(status=status)), COMMANDS, NOW)
    assert findings.discrepancies == []


def test_a_cancel_must_be_voided_unless_it_shipped() -> None:
    facts = facts_of(houzz("H1", "Cancelled"), houzz("H2", "Cancelled"), houzz("H3", "Canceled"),
                     copies=(qbc("7", "H1"), qbc("8", "H2", fulfillment="partial"),
                             qbc("9", "H3", status="void")))
    assert found(facts) == {"cancel_not_voided": ["H1"], "canceled_after_shipping": ["H2"]}


def test_void_and_shipped_at_once_is_found() -> None:
    facts = facts_of(houzz(status="Cancelled"), copies=(qbc(status="void",
                                                             fulfillment="shipped"),))
    assert found(facts) == {"shipped_and_voided": ["H1"]}


def test_void_in_qbc_but_open_on_houzz_is_found() -> None:
    assert found(facts_of(houzz(), copies=(qbc(status="void"),))) == {
        "void_but_open_on_houzz": ["H1"]}


def test_a_shipped_order_must_be_shipped_on_houzz_with_every_number() -> None:
    shipped = qbc(fulfillment="shipped", tracking=("1Z1", "1Z2"))
    facts = facts_of(houzz("H1"), copies=(shipped,), hubs=(hub(),))
    [item] = find_discrepancies(facts, COMMANDS, NOW).discrepancies
    assert item.kind == "shipment_not_confirmed"
    assert item.repair is not None and item.repair.fulfillment_ids == ("31",)
    partly = facts_of(houzz(status="Shipped", tracking=("1Z1",)), copies=(shipped,))
    assert found(partly) == {"tracking_incomplete": ["H1"]}
    whole = facts_of(houzz(status="Shipped", tracking=("1Z1", "1Z2")), copies=(shipped,))
    assert found(whole) == {}


def test_a_listing_must_show_the_computed_quantity() -> None:
    facts = AuditFacts(listings={"A": 3, "B": 5, "C": None}, computed={"A": 3, "B": 4, "C": 1,
                                                                       "D": 9})
    findings = find_discrepancies(facts, COMMANDS, NOW)
    assert [(d.kind, d.key) for d in findings.discrepancies] == [
        ("listing_quantity", "B"), ("listing_quantity", "C")]
    assert all(d.repair is not None and d.repair.full for d in findings.discrepancies)
    assert findings.checked.listings == 3


def test_the_hub_holds_nothing_without_a_reason_and_nothing_long_in_flight() -> None:
    facts = AuditFacts(hub_orders={
        "H1": hub("H1", status="held", reason=" "),
        "H2": hub("H2", in_flight=NOW - timedelta(hours=1)),
        "H3": hub("H3", in_flight=NOW - timedelta(seconds=30)),
    })
    assert found(facts) == {"held_without_reason": ["H1"], "stuck_in_flight": ["H2"]}


def test_a_deleted_copy_does_not_count() -> None:
    facts = facts_of(houzz(), copies=(qbc("7"), replace(qbc("8"), status="deleted")),
                     hubs=(hub(),))
    assert found(facts) == {}
