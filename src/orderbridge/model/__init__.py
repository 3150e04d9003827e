"""The hub's own vocabulary: canonical orders, their lifecycle, hold reasons and the outbound
effects carried out for them."""

from orderbridge.model.hold import Hold, HoldReason
from orderbridge.model.order import (
    CanonicalOrder,
    LineType,
    OrderLine,
    Party,
    Shipment,
    ShippedItem,
)
from orderbridge.model.outbound import OutboundEffect, OutboundState
from orderbridge.model.status import (
    ALLOWED_TRANSITIONS,
    TERMINAL_STATUSES,
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
    "Hold",
    "HoldReason",
    "InvalidTransitionError",
    "LineType",
    "OrderLine",
    "OrderStatus",
    "OutboundEffect",
    "OutboundState",
    "Party",
    "Shipment",
    "ShippedItem",
    "UtcDatetime",
    "can_transition",
    "check_transition",
    "release_target",
]
