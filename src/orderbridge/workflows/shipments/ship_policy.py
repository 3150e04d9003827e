"""When an order counts as shipped, and what goes to Houzz for it (or why it cannot go yet).

- *Fully shipped*: every product line of the payload delivered to QBC is covered by the
  quantities of the order's fulfilled packages, per variant.
- The `updateOrder` Ship request: `ShippingMethod` is the Houzz code of the carrier of the
  first package shipped that names one (Houzz takes one carrier per order; the numbers of
  packages sent with another carrier go in the same list and the timeline says so);
  `TrackingNumber` is every package's number, in shipping order, comma-joined, each once.
- An unmapped carrier holds the order (unless `default_carrier_code` is set); a package
  without a tracking number holds it too unless `missing_tracking` is `post`. Both holds say
  what fixes them, and are lifted by themselves once the fix is in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from orderbridge.connectors.qbc.payload import ordered_by_variant
from orderbridge.model import Hold, HoldReason
from orderbridge.store.tables import ShippedPackage
from orderbridge.workflows.shipments.carriers import CarrierMap


@dataclass(frozen=True)
class ShipRequest:
    """The fields of one Houzz `updateOrder` Ship, and where they came from."""

    shipping_method: str
    tracking_numbers: tuple[str, ...]
    carrier: str | None
    """The QBC carrier name the method was mapped from."""
    other_carriers: tuple[str, ...] = ()

    def as_data(self) -> dict[str, Any]:
        return {"shipping_method": self.shipping_method,
                "tracking_numbers": list(self.tracking_numbers), "carrier": self.carrier,
                "other_carriers": list(self.other_carriers)}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ShipRequest:
        return cls(str(data["shipping_method"]), tuple(data.get("tracking_numbers") or ()),
                   data.get("carrier"), tuple(data.get("other_carriers") or ()))

    def describe(self) -> str:
        numbers = ", ".join(self.tracking_numbers) or "no tracking number"
        return f"{self.shipping_method} {numbers}"


def shipped_by_variant(packages: Sequence[ShippedPackage]) -> dict[int, Decimal]:
    """Units in the packages per QBC variant (as `store.shipments` keeps their lines)."""
    shipped: dict[int, Decimal] = {}
    for package in packages:
        for line in package.lines:
            if line.get("variant_id") is not None:
                variant = int(line["variant_id"])
                shipped[variant] = shipped.get(variant, Decimal(0)) + _quantity(line["quantity"])
    return shipped


def _quantity(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def fully_shipped(warehouse_payload: dict[str, Any] | None,
                  packages: Sequence[ShippedPackage]) -> bool:
    """Every ordered product unit is in a package (an order without products: any package)."""
    ordered = ordered_by_variant(warehouse_payload)
    shipped = shipped_by_variant(packages)
    if not ordered:
        return bool(packages)
    return all(shipped.get(variant, Decimal(0)) >= qty for variant, qty in ordered.items())


def ship_request(packages: Sequence[ShippedPackage], carriers: CarrierMap,
                 missing_tracking: str) -> ShipRequest | Hold:
    """What to post to Houzz for these packages, or the hold that stops it."""
    untracked = [p for p in packages if not p.tracking_number]
    if untracked and missing_tracking != "post":
        ids = ", ".join(p.fulfillment_id for p in untracked)
        return Hold(code=HoldReason.MISSING_TRACKING, message=(
            f"QuickBooks Commerce shipped {len(untracked)} package(s) without a tracking number "
            f"(fulfillment {ids}): add the number in QuickBooks Commerce and the order is "
            "confirmed by itself, or run orderbridge config set missing_tracking post to "
            "confirm such orders without it"))
    named = [p.carrier for p in packages if p.carrier]
    carrier = named[0] if named else None
    code = carriers.resolve(carrier)
    if code is None:
        if carrier is None:
            return Hold(code=HoldReason.UNMAPPED_CARRIER, message=(
                "QuickBooks Commerce shipped the order without a carrier name: set one on the "
                "fulfillment, or a default with orderbridge config set default_carrier_code "
                "CODE"))
        return Hold(code=HoldReason.UNMAPPED_CARRIER, message=(
            f"carrier {carrier!r} has no Houzz carrier code: run orderbridge carrier map "
            f"\"{carrier}\" CODE (e.g. UPS, FedEx, USPS, DHL, Other)"))
    numbers = tuple(dict.fromkeys(p.tracking_number for p in packages if p.tracking_number))
    others = tuple(dict.fromkeys(name for name in named
                                 if carriers.resolve(name) != code))
    return ShipRequest(code, numbers, carrier, others)
