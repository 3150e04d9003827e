"""The hub's own vocabulary: canonical orders, their lifecycle and hold reasons."""

from orderbridge.model.hold import Hold, HoldReason
from orderbridge.model.order import (
    CanonicalOrder,
    LineType,
    OrderLine,
    Party,
    Shipment,
    ShippedItem,
)
from orderbridge.model.status import (
    ALLOWED_TRANSITIONS,
    TERMINAL_STATUSES,
    DeliveryState,
    InvalidTransitionError,
    OrderStatus,
    can_transition,
    check_transition,
    release_target,
)
from orderbridge.model.types import Dec, UtcDatetime

__all__ = [
    "ALLOWED_TRANSITIONS",
    "TERMINAL_STATUSES",
    "CanonicalOrder",
    "Dec",
    "DeliveryState",
    "Hold",
    "HoldReason",
    "InvalidTransitionError",
    "LineType",
    "OrderLine",
    "OrderStatus",
    "Party",
    "Shipment",
    "ShippedItem",
    "UtcDatetime",
    "can_transition",
    "check_transition",
    "release_target",
]
