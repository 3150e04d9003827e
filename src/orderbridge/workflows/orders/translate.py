"""Validation and translation for the warehouse: SKUs through aliases to QBC variants, the
shipping code through the ship-method map, the buyer to stored QBC ids, and the payload.

A problem here is something the merchant can fix in the hub (add an alias, create the item in
QBC, map a shipping code); the order is held with a message that says exactly that, and is
released by itself on a later run once the fix is in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.mapping import BuyerIds, buyer_keys, order_payload
from orderbridge.connectors.qbc.records import QbcOrder
from orderbridge.model import CanonicalOrder, Hold, HoldReason
from orderbridge.store import buyers, mappings
from orderbridge.store.variants import active_variant_ids_by_sku
from orderbridge.workflows.context import IntegrationContext

FIXABLE_HERE = frozenset({HoldReason.UNKNOWN_SKU, HoldReason.UNMAPPED_SHIP_CODE})


@dataclass
class Translated:
    """The QBC payload for an order, or the problems that stop it."""

    canonical: CanonicalOrder
    payload: dict[str, Any] | None = None
    problems: list[Hold] = field(default_factory=list)
    known_buyers: dict[str, buyers.WarehouseBuyer] | None = None
    """The buyer's stored ids as read for the payload, by buyer key (``remember_buyer``
    writes only what differs); ``None`` if not read."""

    @property
    def idempotency_key(self) -> str:
        """Derived from the order and the exact payload: a retry of the same request reuses it,
        a corrected order (after a hold) gets a new one."""
        text = self.canonical.cust_po_no + json.dumps(self.payload, sort_keys=True)
        return "orderbridge-" + hashlib.sha256(text.encode()).hexdigest()[:40]


class Translator:
    """Translates orders for one run; aliases and the ship-method map are read once."""

    def __init__(self, ctx: IntegrationContext, session: Session) -> None:
        self._ctx = ctx
        self._aliases = mappings.list_aliases(session, ctx.integration_id)
        self._ship_map = {code.upper(): value for code, value in
                          mappings.ship_method_map(session, ctx.integration_id).items()}
        self._variants: dict[str, list[int]] = {}
        """Variant ids by SKU as first read in this run (the index is refreshed before)."""

    def translate(self, session: Session, order: CanonicalOrder,
                  known_buyers: dict[str, buyers.WarehouseBuyer] | None = None) -> Translated:
        """``known_buyers``: the stored buyer ids already read for this order's keys (a group
        of orders reads them in one query, ``read_known_buyers``); else they are read here."""
        config = self._ctx.config
        result = Translated(order)
        variant_ids, lines = self._resolve_lines(session, order, result.problems)
        ship_code = order.ship_code or config.default_ship_code
        ship_value = self._ship_map.get(ship_code.upper())
        if ship_value is None and config.hold_unmapped_ship_codes:
            result.problems.append(Hold(code=HoldReason.UNMAPPED_SHIP_CODE, message=(
                f"Houzz shipping code {ship_code} has no ship-method mapping: run "
                f"orderbridge shipmethod map {ship_code} VALUE")))
        result.canonical = order.model_copy(update={
            "items": tuple(lines), "warehouse_ship_code": ship_value or ship_code})
        if result.problems:
            return result
        keys = buyer_keys(order.ship_to)
        result.known_buyers = (
            buyers.get_buyers(session, self._ctx.integration_id, keys.both)
            if known_buyers is None else
            {key: known_buyers[key] for key in keys.both if key in known_buyers})
        result.payload = order_payload(
            result.canonical, variant_ids=variant_ids,
            buyer=_known_buyer(order, result.known_buyers), status=config.order_status,
            location_id=config.location_id, ship_value=ship_value or ship_code,
            tags=config.tags)
        return result

    def _resolve_lines(self, session: Session, order: CanonicalOrder,
                       problems: list[Hold]) -> tuple[dict[int, int], list[Any]]:
        products = order.product_lines
        wanted = {line.item: self._aliases.get(line.item, line.item) for line in products}
        unread = set(wanted.values()) - self._variants.keys()
        if unread:
            self._variants.update(
                active_variant_ids_by_sku(session, self._ctx.integration_id, unread))
        found = self._variants
        variant_ids: dict[int, int] = {}
        lines = []
        for line in order.items:
            if line.line_type != "product":
                lines.append(line)
                continue
            sku = wanted[line.item]
            ids = found.get(sku, [])
            if not ids:
                aliased = f" (alias of {line.item})" if sku != line.item else ""
                problems.append(Hold(code=HoldReason.UNKNOWN_SKU, message=(
                    f"SKU {sku}{aliased} is not in QuickBooks Commerce: add an alias "
                    f"(orderbridge alias add {line.item} QBC_SKU) or create the item")))
            elif len(ids) > 1:
                problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
                    f"SKU {sku} matches {len(ids)} QuickBooks Commerce variants "
                    f"({', '.join(map(str, sorted(ids)))}): archive the extra ones")))
            else:
                variant_ids[line.line_no] = ids[0]
            lines.append(line.model_copy(update={"warehouse_sku": sku}))
        return variant_ids, lines


def _known_buyer(order: CanonicalOrder, known: dict[str, buyers.WarehouseBuyer]) -> (
        BuyerIds | None):
    keys = buyer_keys(order.ship_to)
    address = known.get(keys.address)
    if address is not None and address.address_id is not None:
        return BuyerIds(int(address.company_id), int(address.address_id))
    company = known.get(keys.company)
    return BuyerIds(int(company.company_id), None) if company is not None else None


def read_known_buyers(session: Session, ctx: IntegrationContext,
                      orders: Iterable[CanonicalOrder]) -> dict[str, buyers.WarehouseBuyer]:
    """The stored ids of these orders' buyers, in one query (``Translator.translate``)."""
    keys = [key for order in orders for key in buyer_keys(order.ship_to).both]
    return buyers.get_buyers(session, ctx.integration_id, keys)


def new_buyer_keys(order: CanonicalOrder, known: dict[str, buyers.WarehouseBuyer]) -> set[str]:
    """The buyer keys of ``order`` QBC has no ids for yet: its payload creates them."""
    return {key for key in buyer_keys(order.ship_to).both if key not in known}


def buyer_ids_to_remember(order: CanonicalOrder, created: QbcOrder,
                          known: dict[str, buyers.WarehouseBuyer] | None = None) -> (
        dict[str, buyers.WarehouseBuyer]):
    """The ids QBC gave the buyer that are not stored yet, by buyer key.

    ``known``: the stored ids as read for the payload (``Translated.known_buyers``); ids that
    are already stored are left out (a repeat buyer costs no write)."""
    company_id, address_id = created.company_id, created.shipping_address_id
    if company_id is None:
        return {}
    keys = buyer_keys(order.ship_to)
    found = {keys.company: buyers.WarehouseBuyer(str(company_id))}
    if address_id is not None:
        found[keys.address] = buyers.WarehouseBuyer(str(company_id), str(address_id))
    return {key: ids for key, ids in found.items() if known is None or known.get(key) != ids}


def remember_buyer(session: Session, ctx: IntegrationContext, order: CanonicalOrder,
                   created: QbcOrder,
                   known: dict[str, buyers.WarehouseBuyer] | None = None) -> None:
    """Keep the ids QBC gave the buyer, so their next order needs no nested company."""
    buyers.put_buyers(session, ctx.integration_id, buyer_ids_to_remember(order, created, known))
