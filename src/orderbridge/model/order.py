"""The canonical order: the hub's own record of an order, modelled on CartRover's format.

Connectors translate to and from it; the store keeps it as JSON beside the channel's raw payload.
The model checks types, not business rules: a missing address field or a zero quantity is
representable, so the order can be stored and *held* with a reason naming the problem instead of
failing to exist. Models are frozen; use ``model_copy(update=...)`` to derive a changed one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from orderbridge.model.types import Dec, UtcDatetime

LineType = Literal["product", "shipping", "tax", "fee", "discount"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Party(BaseModel):
    """A ship-to or bill-to party: CartRover's ``ship_*`` / ``cust_*`` fields without prefix."""

    model_config = _FROZEN

    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    phone: str | None = None
    e_mail: str | None = None


class OrderLine(BaseModel):
    """One line of an order: a product, or a shipping, tax, fee or discount line."""

    model_config = _FROZEN

    line_no: int = Field(ge=1)
    item: str
    """The SKU exactly as the channel sent it."""
    warehouse_sku: str | None = None
    """The SKU in the warehouse after alias translation; ``None`` until resolved."""
    quantity: Dec
    price: Dec
    extended_amount: Dec
    """The line's total as the channel states it (usually quantity × price)."""
    description: str | None = None
    line_type: LineType = "product"


class ShippedItem(BaseModel):
    """How much of one order line a shipment carries."""

    model_config = _FROZEN

    line_no: int = Field(ge=1)
    quantity: Dec


class Shipment(BaseModel):
    """A shipment of (part of) an order, with its tracking."""

    model_config = _FROZEN

    carrier: str | None = None
    method: str | None = None
    tracking_no: str | None = None
    tracking_url: str | None = None
    shipped_at: UtcDatetime | None = None
    items: tuple[ShippedItem, ...] = ()


class CanonicalOrder(BaseModel):
    """An order as the hub sees it, independent of channel and warehouse.

    ``shipping_amount`` and ``tax_amount`` are order-level charges that are *not* itemised as
    lines; a translator puts shipping and tax either there or in lines of type ``shipping`` /
    ``tax``, never both, so that ``computed_total`` counts each once.
    """

    model_config = _FROZEN

    cust_po_no: str = Field(min_length=1)
    """The full channel order number (the Houzz OrderId)."""
    cust_ref: str = Field(min_length=1)
    """A shorter reference, unique per integration, that fits warehouse limits."""
    order_date: UtcDatetime
    ship_to: Party
    bill_to: Party | None = None
    ship_code: str | None = None
    """The channel's shipping method code, as sent."""
    warehouse_ship_code: str | None = None
    """What the warehouse gets for ``ship_code`` after the ship-method map."""
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    items: tuple[OrderLine, ...] = ()
    shipments: tuple[Shipment, ...] = ()
    shipping_amount: Dec = Decimal("0")
    tax_amount: Dec = Decimal("0")
    order_total: Dec | None = None
    """The total the channel states, if it states one."""

    @model_validator(mode="after")
    def _line_numbers_are_unique(self) -> Self:
        seen: set[int] = set()
        for line in self.items:
            if line.line_no in seen:
                raise ValueError(f"line_no {line.line_no} appears more than once")
            seen.add(line.line_no)
        return self

    @property
    def computed_total(self) -> Decimal:
        """Every line's ``extended_amount`` plus ``shipping_amount`` and ``tax_amount``."""
        lines = sum((line.extended_amount for line in self.items), Decimal("0"))
        return lines + self.shipping_amount + self.tax_amount

    @property
    def total_matches(self) -> bool:
        """Whether ``computed_total`` equals the channel's ``order_total`` (true if none given)."""
        return self.order_total is None or self.computed_total == self.order_total

    @property
    def product_lines(self) -> tuple[OrderLine, ...]:
        """The lines of type ``product``."""
        return tuple(line for line in self.items if line.line_type == "product")

    def line(self, line_no: int) -> OrderLine:
        """The line numbered ``line_no``; ``KeyError`` if there is none."""
        for candidate in self.items:
            if candidate.line_no == line_no:
                return candidate
        raise KeyError(line_no)
