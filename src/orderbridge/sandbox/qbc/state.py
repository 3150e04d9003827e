"""Everything the QBC simulator remembers: accounts, each with its own records and indexes.

Ids come from one counter per record kind shared by all accounts (as on the real, multi-tenant
API), so an id of one account is simply "not found" in another. Lookups the hub and the
benchmarks lean on (by id, SKU, reference number) are dict-indexed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from orderbridge.clock import Clock
from orderbridge.sandbox.qbc.records import (
    Address,
    Company,
    Fulfillment,
    FulfillmentLine,
    Invoice,
    Location,
    Order,
    OrderLine,
    Payment,
    Product,
    Variant,
    Webhook,
)

CURRENCIES = {"USD": 1, "EUR": 2, "GBP": 3, "CAD": 4, "AUD": 5}


@dataclass
class Account:
    """One QBC account (a merchant) and its records."""

    id: int
    name: str
    created_at: datetime
    primary_location_id: int = 0
    subscription: str = "active"
    locations: dict[int, Location] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    variants: dict[int, Variant] = field(default_factory=dict)
    companies: dict[int, Company] = field(default_factory=dict)
    addresses: dict[int, Address] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    order_lines: dict[int, OrderLine] = field(default_factory=dict)
    fulfillments: dict[int, Fulfillment] = field(default_factory=dict)
    fulfillment_lines: dict[int, FulfillmentLine] = field(default_factory=dict)
    invoices: dict[int, Invoice] = field(default_factory=dict)
    payments: dict[int, Payment] = field(default_factory=dict)
    webhooks: dict[int, Webhook] = field(default_factory=dict)
    variants_by_sku: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    orders_by_reference: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    orders_by_number: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    order_counter: int = 0
    invoice_counter: int = 0

    def next_order_number(self) -> str:
        self.order_counter += 1
        return f"SO{self.order_counter:04d}"

    def next_invoice_number(self) -> str:
        self.invoice_counter += 1
        return f"INV-{self.invoice_counter:04d}"

    def index_variant_sku(self, variant: Variant, old_sku: str | None = None) -> None:
        if old_sku is not None and variant.id in self.variants_by_sku.get(old_sku, []):
            self.variants_by_sku[old_sku].remove(variant.id)
        if variant.sku is not None:
            self.variants_by_sku[variant.sku].append(variant.id)

    def index_order(self, order: Order, old_ref: str | None, old_number: str | None) -> None:
        for index, old, new in ((self.orders_by_reference, old_ref, order.reference_number),
                                (self.orders_by_number, old_number, order.order_number)):
            if old == new:
                continue
            if old is not None and order.id in index.get(old, []):
                index[old].remove(order.id)
            if new is not None:
                index[new].append(order.id)


class SandboxState:
    """All accounts, the id counters and the simulator-only account flags."""

    def __init__(self, clock: Clock, primary_location_label: str, account_name: str) -> None:
        self.clock = clock
        self.primary_location_label = primary_location_label
        self.account_name = account_name
        self.accounts: dict[int, Account] = {}
        self.read_only_tokens: set[str] = set()
        self._counters: dict[str, int] = {}
        self.reset()

    def reset(self) -> None:
        self.accounts = {}
        self.read_only_tokens = set()
        self._counters = {}
        self.ensure_account(1)

    def next_id(self, kind: str) -> int:
        value = self._counters.get(kind, 0) + 1
        self._counters[kind] = value
        return value

    def ensure_account(self, account_id: int) -> Account:
        """The account, created with its primary location when new."""
        account = self.accounts.get(account_id)
        if account is not None:
            return account
        now = self.clock.now()
        name = self.account_name if account_id == 1 else f"{self.account_name} #{account_id}"
        account = Account(id=account_id, name=name, created_at=now)
        location = self.new_location(account, self.primary_location_label)
        account.primary_location_id = location.id
        self.accounts[account_id] = account
        return account

    def new_location(self, account: Account, label: str, **attrs: object) -> Location:
        now = self.clock.now()
        values: dict[str, object] = {
            "label": label, "address1": "1 Warehouse Way", "address2": None, "suburb": None,
            "city": "Springfield", "state": "IL", "zip_code": "62701", "country": "US",
            "holds_stock": True,
        }
        values.update(attrs)
        location = Location(id=self.next_id("location"), created_at=now, updated_at=now,
                            attrs=values)
        account.locations[location.id] = location
        return location
