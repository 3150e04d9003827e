"""Why an order needs a human: a machine-readable code beside a message a person can act on."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class HoldReason(StrEnum):
    """The kind of problem that holds an order (the message says the specifics)."""

    UNKNOWN_SKU = "unknown_sku"
    """A line's SKU matches no warehouse item, directly or through an alias."""
    MISSING_FIELD = "missing_field"
    """Required data (e.g. a ship-to address field) is absent; the message names the field."""
    INVALID_VALUE = "invalid_value"
    """A value is present but unusable (a zero quantity, a negative price, a bad country...)."""
    UNMAPPED_SHIP_CODE = "unmapped_ship_code"
    """The channel's shipping code has no mapping and unmapped codes are held."""
    REJECTED_BY_WAREHOUSE = "rejected_by_warehouse"
    """The warehouse refused the order (QBC answered 422); its message is kept."""
    REJECTED_BY_CHANNEL = "rejected_by_channel"
    """The channel refused an update (e.g. Houzz refused the tracking number)."""
    UNMAPPED_CARRIER = "unmapped_carrier"
    """The warehouse's carrier name has no channel carrier code."""
    MISSING_TRACKING = "missing_tracking"
    """The warehouse shipped the order without a tracking number."""
    CANCELED_AFTER_SHIP = "canceled_after_ship"
    """The channel canceled an order the warehouse has already shipped."""
    OTHER = "other"
    """Anything else; the message explains."""


class Hold(BaseModel):
    """A hold: the reason code and the human message stored beside it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: HoldReason
    message: str = Field(min_length=1)

    def __str__(self) -> str:
        return f"{self.code.value}: {self.message}"
