"""Stock arithmetic: on hand, committed and available per variant and location.

Committed stock is the unshipped quantity of product lines on `active` and `finalized` orders,
at the order's stock location (reference §9). Rather than hand-maintaining it at every
transition, each change to an order is bracketed by `order_commitment` before and after, and the
difference is applied; that keeps it right for every path (create, update, void, ship, delete).
Every stock change touches the variant's `updated_at` and raises `variant.stock_level_update`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.records import Order, StockCell, Variant
from orderbridge.sandbox.qbc.state import Account
from orderbridge.sandbox.qbc.values import ZERO

COMMITTING = frozenset({"active", "finalized"})
Commitment = dict[tuple[int, int], Decimal]


def cell(variant: Variant, location_id: int) -> StockCell:
    found = variant.stock.get(location_id)
    if found is None:
        found = variant.stock[location_id] = StockCell()
    return found


def order_commitment(account: Account, order: Order) -> Commitment:
    if order.status not in COMMITTING:
        return {}
    result: Commitment = defaultdict(lambda: ZERO)
    for line_id in order.line_ids:
        line = account.order_lines[line_id]
        if line.variant_id is None or not line.ships:
            continue
        left = line.quantity - line.shipped_qty
        if left > 0:
            result[(line.variant_id, order.stock_location_id)] += left
    return dict(result)


def touch_variant(caller: Caller, variant: Variant) -> None:
    variant.updated_at = caller.now()
    caller.publish("variant.stock_level_update", "variants", variant.id)


@contextmanager
def tracking_commitment(caller: Caller, order: Order) -> Iterator[None]:
    """Apply to committed stock whatever the enclosed change does to `order`."""
    account = caller.account
    before = order_commitment(account, order)
    yield
    after = order_commitment(account, order)
    for key in before.keys() | after.keys():
        delta = after.get(key, ZERO) - before.get(key, ZERO)
        variant = account.variants.get(key[0])
        if delta and variant is not None:
            cell(variant, key[1]).committed += delta
            touch_variant(caller, variant)


def remove_on_hand(caller: Caller, variant_id: int | None, location_id: int,
                   quantity: Decimal) -> None:
    variant = caller.account.variants.get(variant_id) if variant_id is not None else None
    if variant is None or quantity == 0:
        return
    cell(variant, location_id).on_hand -= quantity
    touch_variant(caller, variant)


def set_on_hand(caller: Caller, variant: Variant, location_id: int, quantity: Decimal) -> None:
    cell(variant, location_id).on_hand = quantity
    touch_variant(caller, variant)


def totals(variant: Variant) -> tuple[Decimal, Decimal]:
    """(stock on hand, committed) summed over locations."""
    on_hand = committed = ZERO
    for stock_cell in variant.stock.values():
        on_hand += stock_cell.on_hand
        committed += stock_cell.committed
    return on_hand, committed
