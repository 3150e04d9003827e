"""The records one QBC account holds. Plain dataclasses: typed fields where the simulator has
logic (statuses, stock, quantities), an `attrs` dict for the free-form writable fields that are
only stored and echoed back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from orderbridge.sandbox.qbc.values import ZERO


@dataclass(kw_only=True, slots=True)
class Record:
    id: int
    created_at: datetime
    updated_at: datetime
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(kw_only=True, slots=True)
class Location(Record):
    status: str = "active"


@dataclass(kw_only=True, slots=True)
class Product(Record):
    name: str
    status: str = "active"
    variant_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class StockCell:
    """One variant's stock at one location."""

    on_hand: Decimal = ZERO
    committed: Decimal = ZERO


@dataclass(kw_only=True, slots=True)
class Variant(Record):
    product_id: int
    sku: str | None
    status: str = "active"
    retail_price: Decimal | None = None
    wholesale_price: Decimal | None = None
    buy_price: Decimal | None = None
    stock: dict[int, StockCell] = field(default_factory=dict)


@dataclass(kw_only=True, slots=True)
class Company(Record):
    name: str
    company_type: str
    status: str = "active"
    address_ids: list[int] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class Address(Record):
    company_id: int
    status: str = "active"


@dataclass(kw_only=True, slots=True)
class OrderLine(Record):
    order_id: int
    variant_id: int | None
    quantity: Decimal
    price: Decimal
    discount: Decimal | None
    tax_rate_override: Decimal | None
    position: int
    freeform: bool = False
    line_type: str = "product"
    packed_qty: Decimal = ZERO
    shipped_qty: Decimal = ZERO
    fulfillment_line_item_ids: list[int] = field(default_factory=list)

    @property
    def ships(self) -> bool:
        """Whether the line is a physical item that is packed, shipped and holds stock."""
        return self.variant_id is not None and not self.freeform


@dataclass(kw_only=True, slots=True)
class Order(Record):
    order_number: str
    reference_number: str | None
    status: str
    company_id: int
    shipping_address_id: int
    billing_address_id: int
    stock_location_id: int
    currency_id: int
    issued_at: date
    source_id: int
    tags: list[str] = field(default_factory=list)
    payment_status: str = "unpaid"
    invoice_status: str = "uninvoiced"
    line_ids: list[int] = field(default_factory=list)
    fulfillment_ids: list[int] = field(default_factory=list)
    invoice_ids: list[int] = field(default_factory=list)
    payment_ids: list[int] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class Fulfillment(Record):
    order_id: int
    status: str
    stock_location_id: int
    packed_at: date | None = None
    shipped_at: datetime | None = None
    line_ids: list[int] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class FulfillmentLine(Record):
    fulfillment_id: int
    order_line_item_id: int
    variant_id: int | None
    quantity: Decimal
    position: int


@dataclass(kw_only=True, slots=True)
class Invoice(Record):
    order_id: int
    invoice_number: str
    total: Decimal


@dataclass(kw_only=True, slots=True)
class Payment(Record):
    order_id: int
    invoice_id: int
    amount: Decimal


@dataclass(kw_only=True, slots=True)
class Webhook(Record):
    address: str
    event: str
    oauth_application_id: int
