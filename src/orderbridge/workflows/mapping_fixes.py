"""Fixing what holds orders, from a screen: the mapping goes in through the store function the
CLI uses (`alias add`, `shipmethod map`, `carrier map`), and in the same transaction the orders
it fixed are released at once, judged exactly as the next run judges them (the delivery's
`Translator`, the shipments job's `ship_request`), so the next run sends them. Only orders the
fix itself unblocked count: each is checked before and after. What it released is recorded as
a resolved alert ("Alias LIN-1 → LIN-THRO-00001 released 3 orders") and on each order's
timeline; their alerts are resolved.

An order the fix cannot release yet (the QBC SKU is not in the items as last read, say) stays
held; the delivery's own release takes it once the next run has read QBC's items again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.model import OrderStatus
from orderbridge.store import Store, alerts, carrier_map, mappings, orders
from orderbridge.store.shipments import packages_of
from orderbridge.store.tables import Integration, Order, ShippedPackage
from orderbridge.workflows import order_actions
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.holds import release
from orderbridge.workflows.orders.translate import FIXABLE_HERE, Translator
from orderbridge.workflows.shipments.carriers import CarrierMap, carrier_key, known_code
from orderbridge.workflows.shipments.confirmation import FIXED_BY_ITSELF
from orderbridge.workflows.shipments.ship_policy import ShipRequest, ship_request


@dataclass(frozen=True)
class FixResult:
    """What a fix did: the fix in words and the orders (cust_ref) it released."""

    fix: str
    released: tuple[str, ...] = ()
    note: str | None = None
    """Something the merchant should know (e.g. a carrier code Houzz may not know)."""

    @property
    def message(self) -> str:
        count = len(self.released)
        return f"{self.fix} released {count} order{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class AliasImport:
    count: int
    added: int
    """How many channel SKUs had no alias before (the rest replaced one, or repeated)."""
    result: FixResult


def add_alias(ctx: IntegrationContext, channel_sku: str, warehouse_sku: str) -> FixResult:
    """Make the Houzz SKU stand for the QBC SKU; ``ValueError`` for a SKU that cannot be."""
    channel, warehouse = mappings.clean_alias(channel_sku, warehouse_sku)

    def apply(session: Session) -> None:
        mappings.add_alias(session, ctx.integration_id, channel, warehouse)

    return _fix_deliveries(ctx, f"Alias {channel} → {warehouse}", apply)


def import_aliases(ctx: IntegrationContext, pairs: Iterable[tuple[str, str]]) -> AliasImport:
    """Every pair (as `parse_alias_csv` reads them), all or none."""
    pairs = list(pairs)
    counts: list[int] = []

    def apply(session: Session) -> None:
        before = len(mappings.list_aliases(session, ctx.integration_id))
        counts.append(mappings.import_aliases(session, ctx.integration_id, pairs))
        counts.append(len(mappings.list_aliases(session, ctx.integration_id)) - before)

    result = _fix_deliveries(ctx, f"Import of {len(pairs)} aliases", apply)
    return AliasImport(counts[0], counts[1], result)


def map_ship_code(ctx: IntegrationContext, code: str, value: str) -> FixResult:
    """Map the Houzz shipping code; ``ValueError`` for a code that cannot be stored."""
    def apply(session: Session) -> None:
        mappings.set_ship_method(session, ctx.integration_id, code, value)

    return _fix_deliveries(ctx, f"Shipping code {code.strip()} → {value.strip()}", apply)


def carrier_spelling(code: str) -> str:
    """Houzz's own spelling of a known carrier code ("fedex" → "FedEx"), else as typed."""
    return known_code(code) or code.strip()


def map_carrier(ctx: IntegrationContext, name: str, code: str) -> FixResult:
    """Map the QBC carrier name (any case, spaces, punctuation) to a Houzz carrier code."""
    shown, spelled = carrier_map.clean_carrier(name, carrier_spelling(code))
    note = None if known_code(spelled) else (
        f"{spelled} is not one of the Houzz carrier codes orderbridge knows; Houzz may "
        "refuse it")
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        before = _carriers(session, ctx)
        carrier_map.set_carrier(session, ctx.integration_id, carrier_key(shown), shown,
                                spelled)
        after = _carriers(session, ctx)
        held = list(session.scalars(select(Order).where(
            Order.integration_id == ctx.integration_id, Order.status == OrderStatus.HELD,
            Order.held_from_status == OrderStatus.SHIPPED,
            Order.hold_reason_code.in_(FIXED_BY_ITSELF)).order_by(Order.id).with_for_update()))
        policy = ctx.config.missing_tracking
        fixed = [order for order in held
                 if not _ships(packages := packages_of(session, order.id), before, policy)
                 and _ships(packages, after, policy)]
        fix = f"Carrier {shown} → {spelled}"
        released = _release(session, ctx, fixed, fix, "; tracking goes to Houzz at the next "
                            "shipments run", now)
        result = FixResult(fix, released, note)
        if released:
            alerts.record_fix(session, ctx.integration_id, result.message, at=now)
    return result


def _carriers(session: Session, ctx: IntegrationContext) -> CarrierMap:
    """The carrier map as the shipments job builds it (`load_carrier_map`), in this session."""
    return CarrierMap(carrier_map.carrier_codes(session, ctx.integration_id),
                      ctx.config.default_carrier_code)


def _ships(packages: Sequence[ShippedPackage], carriers: CarrierMap, policy: str) -> bool:
    return isinstance(ship_request(packages, carriers, policy), ShipRequest)


def remove_carrier(session: Session, integration_id: int, name: str) -> bool:
    """Forget the merchant's entry for the carrier name; True if there was one."""
    return carrier_map.remove_carrier(session, integration_id, carrier_key(name))


def release_by_hand(store: Store, integration: Integration, ref: str, by: str) -> FixResult:
    """Release one held order whatever held it, once the merchant fixed it elsewhere: the
    order detail's own action (`order_actions.release_hold`), recorded as a fix."""
    done = order_actions.release_hold(store, integration, ref, by=by)
    result = FixResult(f"Release of {done.cust_ref} by hand", (done.cust_ref,))
    with store.begin() as session:
        alerts.record_fix(session, integration.id, result.message)
    return result


def _fix_deliveries(ctx: IntegrationContext, fix: str,
                    apply: Callable[[Session], None]) -> FixResult:
    """Apply the mapping and release the orders held before delivery that it unblocked."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        before = Translator(ctx, session)
        apply(session)
        after = Translator(ctx, session)
        held = list(session.scalars(select(Order).where(
            Order.integration_id == ctx.integration_id, Order.status == OrderStatus.HELD,
            Order.hold_reason_code.in_(FIXABLE_HERE)).order_by(Order.id).with_for_update()))
        fixed = []
        for order in held:
            canonical = orders.load_canonical(order)
            if canonical is None or not before.translate(session, canonical).problems:
                continue  # fixed earlier: the delivery's own release takes it
            if not after.translate(session, canonical).problems:
                fixed.append(order)
        released = _release(session, ctx, fixed, fix, "; it goes to QuickBooks Commerce at "
                            "the next delivery run", now)
        result = FixResult(fix, released)
        if released:
            alerts.record_fix(session, ctx.integration_id, result.message, at=now)
    return result


def _release(session: Session, ctx: IntegrationContext, fixed: list[Order], fix: str,
             then: str, now: datetime) -> tuple[str, ...]:
    """Release the fixed orders at ``now``, the time the fix is recorded at too (so the
    resolved list shows the fix above the alerts it resolved)."""
    count = len(fixed)
    for order in fixed:
        was = order.hold_reason or "held"
        release(session, order, f"Released: {fix} (released {count} order"
                                f"{'' if count == 1 else 's'}){then}; was: {was}", at=now)
        alerts.resolve_alerts(session, ctx.integration_id, order_id=order.id, at=now)
    return tuple(order.cust_ref or order.channel_order_id for order in fixed)
