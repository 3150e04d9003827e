"""Held orders grouped by what would release them, for the alerts screen: one group per
unknown SKU ("SKU LIN-1 is not in QuickBooks Commerce" → the orders it holds), per unmapped
shipping code, per unmapped carrier, and one per other reason. An order with two problems is in
two groups. The problems are read as the jobs see them today: the aliases, the ship-method map,
the carrier map and QBC's items as last read (the variant index), so a group disappears as soon
as its fix is in, even before the next run releases its orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.model import CanonicalOrder, HoldReason, OrderStatus
from orderbridge.store import carrier_map, mappings, orders
from orderbridge.store.shipments import packages_of
from orderbridge.store.tables import Order
from orderbridge.store.variants import active_variant_ids_by_sku
from orderbridge.workflows.integration_config import IntegrationConfig
from orderbridge.workflows.shipments.carriers import CarrierMap, carrier_key

Fix = Literal["alias", "ship_code", "carrier", "release"]
"""The form the group's fix takes (``release``: fixed elsewhere, then released by hand)."""
HELD_LIMIT = 1000
"""Held orders read at most (the oldest first): a screen, not a report."""


@dataclass(frozen=True)
class HeldOrder:
    id: int
    ref: str
    """What the merchant knows it by: its cust_ref (QBC's order number), else Houzz's id."""
    channel_order_id: str
    reason: str
    held_since: datetime


@dataclass
class HeldGroup:
    fix: Fix
    key: str
    """The SKU, shipping code or carrier name to map; the reason for ``release``."""
    title: str
    orders: list[HeldOrder] = field(default_factory=list)


@dataclass
class _Lookups:
    aliases: dict[str, str]
    ship_codes: set[str]
    carriers: CarrierMap
    known_skus: set[str]


def held_groups(session: Session, integration_id: int,
                config: IntegrationConfig) -> list[HeldGroup]:
    """The groups, the one holding most orders first."""
    held = list(session.scalars(select(Order).where(
        Order.integration_id == integration_id, Order.status == OrderStatus.HELD)
        .order_by(Order.id).limit(HELD_LIMIT)))
    canonicals = {order.id: orders.load_canonical(order) for order in held}
    aliases = mappings.list_aliases(session, integration_id)
    wanted = {aliases.get(line.item, line.item) for canonical in canonicals.values()
              if canonical is not None for line in canonical.product_lines}
    variants = active_variant_ids_by_sku(session, integration_id, wanted)
    lookups = _Lookups(
        aliases, {code.upper() for code in mappings.ship_method_map(session, integration_id)},
        CarrierMap(carrier_map.carrier_codes(session, integration_id),
                   config.default_carrier_code),
        {sku for sku, ids in variants.items() if ids})
    groups: dict[tuple[Fix, str], HeldGroup] = {}
    for order in held:
        problems = _problems(session, order, canonicals[order.id], lookups, config)
        line = HeldOrder(order.id, order.cust_ref or order.channel_order_id,
                         order.channel_order_id, order.hold_reason or "held",
                         order.updated_at)
        for fix, key, title in problems:
            group_key = (fix, carrier_key(key) if fix == "carrier" else key)
            groups.setdefault(group_key, HeldGroup(fix, key, title)).orders.append(line)
    return sorted(groups.values(), key=lambda group: (-len(group.orders), group.title))


def _problems(session: Session, order: Order, canonical: CanonicalOrder | None,
              lookups: _Lookups, config: IntegrationConfig) -> list[tuple[Fix, str, str]]:
    code = order.hold_reason_code
    found: list[tuple[Fix, str, str]] = []
    if code in (HoldReason.UNKNOWN_SKU, HoldReason.UNMAPPED_SHIP_CODE) and canonical:
        for line in canonical.product_lines:
            sku = lookups.aliases.get(line.item, line.item)
            if sku not in lookups.known_skus:
                through = f" (its alias {sku} is not either)" if sku != line.item else ""
                found.append(("alias", line.item,
                              f"SKU {line.item} is not in QuickBooks Commerce{through}"))
        ship_code = canonical.ship_code or config.default_ship_code
        if config.hold_unmapped_ship_codes and ship_code.upper() not in lookups.ship_codes:
            found.append(("ship_code", ship_code,
                          f"Houzz shipping code {ship_code} has no ship-method mapping"))
    elif code is HoldReason.UNMAPPED_CARRIER:
        named = [p.carrier for p in packages_of(session, order.id) if p.carrier]
        if named and lookups.carriers.resolve(named[0]) is None:
            found.append(("carrier", named[0],
                          f"Carrier {named[0]!r} has no Houzz carrier code"))
    if not found:
        reason = order.hold_reason or (code.value if code else "held")
        found.append(("release", reason, reason))
    return list(dict.fromkeys(found))
