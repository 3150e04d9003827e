"""What the audit read, side by side: each Houzz order, each QBC order, and the hub's record of
it, reduced to what the checks compare (units per warehouse SKU, statuses, tracking numbers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Units = dict[str, int]
"""Units per warehouse SKU (product lines only)."""


@dataclass(frozen=True)
class HouzzOrderFacts:
    order_id: str
    status: str
    created: datetime | None
    lines: Units
    tracking: frozenset[str]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class QbcOrderFacts:
    id: str
    order_number: str | None
    reference: str | None
    status: str
    fulfillment_status: str
    lines: Units
    tracking: frozenset[str] = frozenset()
    """Tracking numbers of its fulfilled packages."""
    fulfillment_ids: tuple[str, ...] = ()

    @property
    def is_void(self) -> bool:
        return self.status in ("void", "deleted")

    @property
    def fully_shipped(self) -> bool:
        return self.status == "fulfilled" or self.fulfillment_status == "shipped"

    @property
    def partly_shipped(self) -> bool:
        return self.fully_shipped or self.fulfillment_status == "partial"

    @property
    def label(self) -> str:
        return f"#{self.order_number}" if self.order_number else f"id {self.id}"


@dataclass(frozen=True)
class HubOrderFacts:
    """The hub's record of a Houzz order."""

    channel_order_id: str
    status: str
    warehouse_order_id: str | None
    hold_reason: str | None
    in_flight_since: datetime | None
    cancel_state: str | None


@dataclass
class AuditFacts:
    """Everything one audit compares."""

    houzz_orders: list[HouzzOrderFacts] = field(default_factory=list)
    qbc_orders: list[QbcOrderFacts] = field(default_factory=list)
    hub_orders: dict[str, HubOrderFacts] = field(default_factory=dict)
    listings: dict[str, int | None] = field(default_factory=dict)
    """Houzz SKU → the quantity Houzz shows (None: unreadable)."""
    computed: dict[str, int] = field(default_factory=dict)
    """Houzz SKU → the quantity the hub computes from QBC now."""
    downloads_status: str = ""
    """The Houzz status the hub downloads (empty: any open status)."""
    stuck_after_s: float = 900.0
