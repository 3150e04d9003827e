"""A Houzz order as the simulator stores it, and how it is shown through the API.

Orders placed through the control API with explicit fields keep those fields exactly as given,
even malformed ones, because the hub's fuzz tests depend on meeting them over the wire. So an
order is a free-form `body` (every Houzz field except `OrderId`, `Status` and `Created`) plus the
few things the simulator itself must understand: its id, status, creation instant and what the
seller did to it (shipments, cancellation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from orderbridge.sandbox.houzz.dates import format_created

PLACED = "Placed"
IN_PRODUCTION = "InProduction"
CHARGED = "Charged"
FAILED_TO_CHARGE = "FailedToCharge"
SHIPPED = "Shipped"
CANCELED = "Canceled"
CLOSED_STATUSES = frozenset({SHIPPED, CANCELED})
SHIPPING_FIELDS = ("ShippingOption", "ShippingMethod", "TrackingNumber")


@dataclass
class Shipment:
    """One accepted `Ship` action."""

    at: str
    shipping_method: str
    tracking_numbers: list[str]


@dataclass
class HouzzOrder:
    """One order on the simulated marketplace."""

    order_id: str
    status: Any
    created_at: datetime
    body: dict[str, Any]
    id_as_given: Any = None
    created_as_given: Any = None
    omitted: frozenset[str] = frozenset()
    fail_charge: bool = False
    shipments: list[Shipment] = field(default_factory=list)
    cancel: dict[str, Any] | None = None

    @property
    def status_text(self) -> str:
        return str(self.status) if self.status is not None else ""

    def sort_key(self) -> tuple[datetime, str]:
        return (self.created_at, self.order_id)

    def as_houzz(self, zone: tzinfo, emit_shipping_fields: bool) -> dict[str, Any]:
        """The order as `getOrders` shows it."""
        shown: dict[str, Any] = {}
        if "OrderId" not in self.omitted:
            shown["OrderId"] = self.order_id if self.id_as_given is None else self.id_as_given
        if self.status is not None:
            shown["Status"] = self.status
        if "Created" not in self.omitted:
            shown["Created"] = (format_created(self.created_at, zone)
                                if self.created_as_given is None else self.created_as_given)
        shown.update(self.body)
        if self.shipments:
            last = self.shipments[-1]
            shown["ShippingMethod"] = last.shipping_method
            shown["TrackingNumber"] = ",".join(last.tracking_numbers)
        if not emit_shipping_fields:
            for name in SHIPPING_FIELDS:
                shown.pop(name, None)
        return shown

    def extras(self) -> dict[str, Any]:
        """What the control API adds: facts the real API does not show."""
        return {
            "ShipHistory": [
                {"At": s.at, "ShippingMethod": s.shipping_method,
                 "TrackingNumbers": list(s.tracking_numbers)}
                for s in self.shipments
            ],
            "Cancellation": self.cancel,
            "CancelCode": (self.cancel or {}).get("CancelCode"),
            "FailCharge": self.fail_charge,
        }
