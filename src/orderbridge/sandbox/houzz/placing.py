"""Placing orders as buyers through the control API: random ones on the seeded listings, or
explicit ones stored as given (see `given_orders`). A later order with the same OrderId, in the
same request or a later one, replaces the earlier."""

from __future__ import annotations

from datetime import datetime

from fastapi import HTTPException

from orderbridge.sandbox.houzz.buyers import OrderMix, random_order
from orderbridge.sandbox.houzz.control_models import PlaceOrders
from orderbridge.sandbox.houzz.dates import ACCEPTED_FORMATS, parse_houzz_datetime
from orderbridge.sandbox.houzz.given_orders import order_as_given
from orderbridge.sandbox.houzz.state import HouzzState


def place_orders(state: HouzzState, request: PlaceOrders) -> list[str]:
    created_at = _created_at(state, request.created)
    listings = list(state.listings.values())
    if request.orders is None and request.count and not listings:
        raise HTTPException(409, "no listings to order from; seed them first with "
                            'POST /_sandbox/seed {"skus": 20, "seed": 1}')
    mix = OrderMix(request.unknown_sku_rate, request.coupon_rate)
    placed: list[str] = []
    for given in request.orders if request.orders is not None else [None] * (request.count or 0):
        if given is None:
            order = random_order(state.buyer_rng, state.new_order_id(), listings, created_at,
                                 state.settings.lifecycle, mix)
        else:
            order = order_as_given(state, given, created_at)
        state.orders[order.order_id] = order
        placed.append(order.order_id)
    return placed


def _created_at(state: HouzzState, text: str | None) -> datetime:
    if text is None:
        return state.clock.now().replace(microsecond=0)
    parsed = parse_houzz_datetime(text, state.settings.zone)
    if parsed is None:
        raise HTTPException(422, f"created {text!r} is not a date; use {ACCEPTED_FORMATS}")
    return parsed
