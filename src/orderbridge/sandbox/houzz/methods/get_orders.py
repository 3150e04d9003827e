"""`getOrders`: the order feed, filtered by status and creation time, paged, oldest first.

`Status` is case-insensitive: New = Placed, InProduction (alias Processing), Charged,
FailedToCharge, Shipped, Canceled (alias Cancelled), Active = neither Shipped nor Canceled,
All or absent = everything. `From`/`To` bound `Created`, both inclusive; a date-only `To` covers
that whole day. There is no total-count key (none was observed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from orderbridge.sandbox.houzz.dates import ACCEPTED_FORMATS, parse_houzz_datetime
from orderbridge.sandbox.houzz.errors import invalid_parameter
from orderbridge.sandbox.houzz.methods.call import ApiCall
from orderbridge.sandbox.houzz.methods.paging import page_of
from orderbridge.sandbox.houzz.orders import CLOSED_STATUSES, HouzzOrder

_STATUS_FILTERS: dict[str, frozenset[str] | None] = {
    "new": frozenset({"placed"}),
    "placed": frozenset({"placed"}),
    "inproduction": frozenset({"inproduction", "processing"}),
    "processing": frozenset({"inproduction", "processing"}),
    "charged": frozenset({"charged"}),
    "failedtocharge": frozenset({"failedtocharge"}),
    "shipped": frozenset({"shipped"}),
    "canceled": frozenset({"canceled", "cancelled"}),
    "cancelled": frozenset({"canceled", "cancelled"}),
    "active": None,
    "all": None,
}
_FILTER_NAMES = "New, InProduction, Charged, FailedToCharge, Shipped, Canceled, Active or All"
_CLOSED = frozenset(status.lower() for status in CLOSED_STATUSES) | {"cancelled"}


def get_orders(call: ApiCall) -> dict[str, Any]:
    state = call.state
    matches = _status_matcher(call.param("Status"))
    low = _bound(call, "From", end_of_day=False)
    high = _bound(call, "To", end_of_day=True)
    chosen = [
        order for order in state.orders_in_feed_order()
        if matches(order)
        and (low is None or order.created_at >= low)
        and (high is None or order.created_at <= high)
    ]
    settings = state.settings
    return {"Orders": [order.as_houzz(settings.zone, settings.emit_shipping_option)
                       for order in page_of(call, chosen)]}


def _status_matcher(raw: str) -> Callable[[HouzzOrder], bool]:
    key = raw.lower() or "all"
    if key not in _STATUS_FILTERS:
        raise invalid_parameter("Status", raw, f"use {_FILTER_NAMES}")
    wanted = _STATUS_FILTERS[key]
    if key == "active":
        return lambda order: order.status_text.lower() not in _CLOSED
    if wanted is None:
        return lambda order: True
    return lambda order: order.status_text.lower() in wanted


def _bound(call: ApiCall, name: str, *, end_of_day: bool) -> datetime | None:
    text = call.param(name)
    if not text:
        return None
    parsed = parse_houzz_datetime(text, call.state.settings.zone, end_of_day=end_of_day)
    if parsed is None:
        raise invalid_parameter(name, text, f"use {ACCEPTED_FORMATS}")
    return parsed
