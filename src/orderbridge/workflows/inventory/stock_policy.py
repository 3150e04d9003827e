"""What Houzz may sell of one warehouse SKU: a pure function, so every rule is testable alone.

It reads the stock facts of QBC variants as the connector gives them (`connectors.qbc.variants`).

The rules (issue 4, DESIGN "no overselling"), in order:
1. archived variants sell nothing; only active variants of the SKU count;
2. a variant that does not track stock (`manage_stock` false) shows `untracked_quantity`;
3. otherwise: available (on hand − committed) at the chosen locations, summed over the SKU's
   active variants, minus units on Houzz orders the hub holds that QBC has not committed yet,
   minus the buffer, floored at 0 (fractions round down); below the minimum → 0;
4. capped by the smallest `max_online` any active variant sets.

`keep_selling` (QBC may sell below zero) is ignored on purpose: Houzz has no backorders, so a
quantity above what can ship would only become an oversold order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from orderbridge.connectors.qbc.variants import Variant

ZERO = Decimal(0)


@dataclass(frozen=True)
class StockPolicy:
    """The integration's settings that shape the quantity."""

    locations: frozenset[int] | Literal["all"] = "all"
    buffer: int = 0
    minimum: int = 0
    untracked_quantity: int = 100


@dataclass(frozen=True)
class Sellable:
    """The quantity for Houzz and the pieces it was made of (for the report)."""

    quantity: int
    available: Decimal = ZERO
    pending: Decimal = ZERO
    rule: str = "stock"
    """stock, archived, untracked, below_minimum or max_online: what decided the quantity."""
    active_variants: int = 0


def sellable_quantity(variants: Sequence[Variant], pending: Decimal,
                      policy: StockPolicy) -> Sellable:
    """What Houzz may sell of the SKU the `variants` share (pending: units not yet committed)."""
    active = [variant for variant in variants if not variant.archived]
    if not active:
        return Sellable(0, pending=pending, rule="archived")
    caps = [variant.max_online for variant in active if variant.max_online is not None]
    cap = max(min(caps), ZERO) if caps else None
    if not all(variant.manage_stock for variant in active):
        return _capped(Sellable(policy.untracked_quantity, pending=pending, rule="untracked",
                                active_variants=len(active)), cap)
    available = sum((location.available for variant in active
                     for location in variant.locations
                     if policy.locations == "all" or location.location_id in policy.locations),
                    ZERO)
    quantity = max(0, math.floor(available - max(pending, ZERO) - policy.buffer))
    result = Sellable(quantity, available, pending, "stock", len(active))
    if 0 < quantity < policy.minimum:
        return Sellable(0, available, pending, "below_minimum", len(active))
    return _capped(result, cap)


def _capped(result: Sellable, cap: Decimal | None) -> Sellable:
    if cap is None or result.quantity <= cap:
        return result
    return Sellable(math.floor(cap), result.available, result.pending, "max_online",
                    result.active_variants)
