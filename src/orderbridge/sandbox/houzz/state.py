"""Everything the simulated Houzz remembers: settings, credentials, listings and orders.

One `HouzzState` per app. It is only changed from `async def` handlers that do not await in the
middle of a change, so the event loop serialises the changes without locks.
"""

from __future__ import annotations

import random

from orderbridge.clock import Clock
from orderbridge.sandbox.catalog import build_catalog
from orderbridge.sandbox.houzz.dates import format_created
from orderbridge.sandbox.houzz.listings import Listing, listings_from_catalog
from orderbridge.sandbox.houzz.orders import HouzzOrder
from orderbridge.sandbox.houzz.settings import Credential, HouzzSandboxSettings, default_credential

DEFAULT_BUYER_SEED = 0


class HouzzState:
    """The marketplace's data, reset to `defaults` by `reset()`."""

    def __init__(self, defaults: HouzzSandboxSettings, clock: Clock) -> None:
        self.defaults = defaults
        self.clock = clock
        self.settings = defaults
        self.credentials: dict[str, Credential] = {}
        self.listings: dict[str, Listing] = {}
        self.orders: dict[str, HouzzOrder] = {}
        self.buyer_rng = random.Random(DEFAULT_BUYER_SEED)
        self.reset()

    def reset(self) -> None:
        self.settings = self.defaults
        self.credentials = {self.defaults.token: default_credential(self.defaults)}
        self.listings = {}
        self.orders = {}
        self.buyer_rng = random.Random(DEFAULT_BUYER_SEED)

    def seed(self, skus: int, seed: int) -> int:
        """Replace the listings with the shared demo catalog; reseed the buyers."""
        listings = listings_from_catalog(build_catalog(skus, seed), seed)
        self.listings = {listing.sku: listing for listing in listings}
        self.buyer_rng = random.Random(seed)
        return len(self.listings)

    def add_credential(self, credential: Credential) -> None:
        self.credentials[credential.token] = credential

    def now_text(self) -> str:
        return format_created(self.clock.now(), self.settings.zone)

    def orders_in_feed_order(self) -> list[HouzzOrder]:
        """Oldest first, ties broken by OrderId: the stable order `getOrders` pages through."""
        return sorted(self.orders.values(), key=HouzzOrder.sort_key)

    def listing_by_product_id(self, product_id: str) -> Listing | None:
        return next((item for item in self.listings.values()
                     if item.product_id == product_id), None)

    def new_order_id(self) -> str:
        while True:
            groups = [f"{self.buyer_rng.randrange(10_000):04d}" for _ in range(4)]
            groups[0] = f"{self.buyer_rng.randrange(1_000, 10_000)}"
            order_id = "-".join(groups)
            if order_id not in self.orders:
                return order_id
