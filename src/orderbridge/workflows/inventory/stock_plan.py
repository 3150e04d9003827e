"""From QBC variants to one quantity per Houzz SKU, through the aliases.

A Houzz SKU is backed by the warehouse SKU its alias names, or by the QBC SKU spelled the same
when it has no alias. So one warehouse SKU can back several Houzz listings — each shows the full
quantity, as CartRover does — and a QBC SKU that a merchant aliased *from* (say Houzz `A` → QBC
`B`) no longer feeds the Houzz listing `A` itself.

Several QBC variants with the same SKU (QBC does not enforce uniqueness): archived ones are
ignored, and the active ones' stock is summed — it is all physically there — and the SKU is
reported as ambiguous, since orders for it are held until the extra variants are archived.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from orderbridge.connectors.qbc.variants import Variant
from orderbridge.workflows.inventory.stock_policy import (
    ZERO,
    Sellable,
    StockPolicy,
    sellable_quantity,
)


@dataclass(frozen=True)
class PlannedLevel:
    """The quantity one Houzz SKU should show, and why."""

    houzz_sku: str
    warehouse_sku: str
    sellable: Sellable
    variants: tuple[Variant, ...]

    @property
    def quantity(self) -> int:
        return self.sellable.quantity


@dataclass
class StockPlan:
    levels: dict[str, PlannedLevel] = field(default_factory=dict)
    """By Houzz SKU."""
    ambiguous: dict[str, int] = field(default_factory=dict)
    """Warehouse SKUs shared by several active QBC variants: how many."""
    unbacked_aliases: dict[str, str] = field(default_factory=dict)
    """Houzz SKU → the warehouse SKU its alias names, which no QBC variant has."""


def houzz_skus_by_warehouse_sku(aliases: Mapping[str, str],
                                warehouse_skus: Iterable[str]) -> dict[str, list[str]]:
    """Which Houzz SKUs each warehouse SKU backs (aliases: Houzz SKU → warehouse SKU): the
    Houzz SKUs aliased to it, and its own name unless that name is aliased elsewhere. An
    alias adds a listing; it never takes stock from the listing named as the warehouse item
    (that listing would be pushed to 0 the moment an old SKU was mapped onto it)."""
    aliased_to: dict[str, set[str]] = defaultdict(set)
    for channel_sku, warehouse_sku in aliases.items():
        aliased_to[warehouse_sku].add(channel_sku)
    result: dict[str, list[str]] = {}
    for sku in warehouse_skus:
        own = set() if sku in aliases else {sku}
        result[sku] = sorted(aliased_to.get(sku, set()) | own)
    return result


def plan_stock(variants: Iterable[Variant], pending: Mapping[str, Decimal],
               aliases: Mapping[str, str], policy: StockPolicy) -> StockPlan:
    """The quantity every Houzz SKU backed by a QBC variant should show (a variant without a
    SKU backs none: nothing on Houzz can name it)."""
    by_sku: dict[str, list[Variant]] = defaultdict(list)
    for variant in variants:
        if variant.sku:
            by_sku[variant.sku].append(variant)
    plan = StockPlan()
    targets = houzz_skus_by_warehouse_sku(aliases, by_sku)
    for sku, group in by_sku.items():
        sellable = sellable_quantity(group, pending.get(sku, ZERO), policy)
        if sellable.active_variants > 1:
            plan.ambiguous[sku] = sellable.active_variants
        for houzz_sku in targets[sku]:
            plan.levels[houzz_sku] = PlannedLevel(houzz_sku, sku, sellable, tuple(group))
    plan.unbacked_aliases = {channel: warehouse for channel, warehouse in aliases.items()
                             if warehouse not in by_sku}
    return plan
