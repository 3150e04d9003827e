"""The lifecycle as data: allowed moves, terminal states, where a released order goes."""

from __future__ import annotations

import pytest

from orderbridge.model import (
    ALLOWED_TRANSITIONS,
    TERMINAL_STATUSES,
    Hold,
    HoldReason,
    InvalidTransitionError,
    OrderStatus,
    OutboundEffect,
    OutboundState,
    can_transition,
    check_transition,
    release_target,
)


def test_every_status_has_its_transitions_listed() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(OrderStatus)


def test_confirmed_and_canceled_are_the_terminal_statuses() -> None:
    assert {OrderStatus.CONFIRMED, OrderStatus.CANCELED} == TERMINAL_STATUSES


def test_every_status_is_reachable_from_new() -> None:
    reached = {OrderStatus.NEW}
    frontier = [OrderStatus.NEW]
    while frontier:
        for target in ALLOWED_TRANSITIONS[frontier.pop()]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(OrderStatus)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("new", "at_wms"),
        ("new", "held"),
        ("new", "preview"),
        ("new", "canceled"),
        ("held", "new"),
        ("held", "canceled"),
        ("preview", "new"),
        ("at_wms", "shipped"),
        ("at_wms", "canceled"),
        ("shipped", "confirmed"),
    ],
)
def test_design_lifecycle_moves_are_allowed(current: str, target: str) -> None:
    assert can_transition(OrderStatus(current), OrderStatus(target))
    check_transition(OrderStatus(current), OrderStatus(target))


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("shipped", "canceled"),  # a cancel after shipping alerts, it does not cancel
        ("confirmed", "new"),
        ("canceled", "new"),
        ("new", "shipped"),
        ("new", "confirmed"),
        ("preview", "at_wms"),  # going live goes through new again
        ("held", "held"),
    ],
)
def test_other_moves_are_refused_with_a_readable_error(current: str, target: str) -> None:
    assert not can_transition(OrderStatus(current), OrderStatus(target))
    with pytest.raises(InvalidTransitionError, match=f"from {current} to {target}"):
        check_transition(OrderStatus(current), OrderStatus(target))


def test_a_released_order_goes_back_where_it_was_in_the_outside_world() -> None:
    assert release_target(OrderStatus.AT_WMS) is OrderStatus.AT_WMS
    assert release_target(OrderStatus.SHIPPED) is OrderStatus.SHIPPED
    assert release_target(OrderStatus.NEW) is OrderStatus.NEW
    assert release_target(OrderStatus.PREVIEW) is OrderStatus.NEW
    assert release_target(None) is OrderStatus.NEW


def test_every_way_into_held_has_an_allowed_way_out() -> None:
    for status, targets in ALLOWED_TRANSITIONS.items():
        if OrderStatus.HELD in targets:
            assert can_transition(OrderStatus.HELD, release_target(status)), status


def test_enum_values_are_the_stored_strings() -> None:
    assert [s.value for s in OrderStatus] == [
        "new",
        "held",
        "preview",
        "at_wms",
        "shipped",
        "confirmed",
        "canceled",
    ]
    assert [s.value for s in OutboundState] == ["idle", "in_flight", "done"]
    assert [e.value for e in OutboundEffect] == [
        "delivery", "void", "shipment_confirmation", "channel_cancel"]
    assert HoldReason("unknown_sku") is HoldReason.UNKNOWN_SKU
    assert len(HoldReason) == 10


def test_a_hold_carries_a_code_and_a_message() -> None:
    hold = Hold(code=HoldReason.UNKNOWN_SKU, message="SKU X is not in QuickBooks Commerce")
    assert str(hold) == "unknown_sku: SKU X is not in QuickBooks Commerce"
    assert Hold.model_validate(hold.model_dump(mode="json")) == hold
    with pytest.raises(ValueError):
        Hold(code=HoldReason.OTHER, message="")
