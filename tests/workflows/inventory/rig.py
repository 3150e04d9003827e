"""What the inventory tests do to the sandboxes and read back from them (real HTTP only)."""

from __future__ import annotations

from typing import Any

import httpx

from orderbridge.runtime.jobs import JobOutcome, run_job
from orderbridge.sandbox.launcher import QBC_TOKEN, SandboxPair
from orderbridge.store import integrations
from orderbridge.store.inventory import StoredLevel, stored_levels
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.inventory.job import InventoryResult, inventory
from orderbridge.workflows.options import JobOptions


def run_inventory(ctx: IntegrationContext, *, full: bool = False) -> InventoryResult:
    """One cycle of the job, with the config freshly read (as `run_job` does)."""
    ctx.reload_config()
    return inventory(ctx, None, JobOptions(full=full))


def run_inventory_job(ctx: IntegrationContext, *, full: bool = False) -> JobOutcome:
    return run_job(ctx, "inventory", None, JobOptions(full=full))


def configure(ctx: IntegrationContext, **settings: str) -> None:
    with ctx.store.begin() as session:
        for key, value in settings.items():
            integrations.set_setting(session, ctx.integration_id, key, value)
    ctx.reload_config()


def houzz_quantities(pair: SandboxPair) -> dict[str, int]:
    listings = pair._control.get(f"{pair.houzz_url}/_sandbox/listings").json()["listings"]
    return {listing["SKU"]: int(listing["Quantity"]) for listing in listings}


def houzz_history(pair: SandboxPair, sku: str) -> list[dict[str, Any]]:
    listing = pair._control.get(f"{pair.houzz_url}/_sandbox/listings/{sku}").json()
    history: list[dict[str, Any]] = listing["history"]
    return history


def inventory_calls(pair: SandboxPair) -> list[dict[str, Any]]:
    return [call for call in pair.calls("houzz") if call.get("api_method") == "updateInventory"]


def qbc_reads(pair: SandboxPair) -> list[dict[str, Any]]:
    return [call for call in pair.calls("qbc")]


def forget_calls(pair: SandboxPair) -> None:
    for side in ("houzz", "qbc"):
        pair._control.delete(f"{pair.houzz_url if side == 'houzz' else pair.qbc_url}"
                             "/_sandbox/calls").raise_for_status()


def set_stock(pair: SandboxPair, sku: str, on_hand: int, location_id: int | None = None) -> None:
    body: dict[str, Any] = {"sku": sku, "stock_on_hand": on_hand}
    if location_id is not None:
        body["location_id"] = location_id
    pair.control("qbc", "stock", body)


def qbc_variant(pair: SandboxPair, sku: str) -> dict[str, Any]:
    found = pair._control.get(f"{pair.qbc_url}/_sandbox/variants", params={"sku": sku})
    variant: dict[str, Any] = found.json()["variants"][0]
    return variant


def available(pair: SandboxPair, sku: str, locations: set[int] | None = None) -> int:
    """On hand − committed of `sku` in QBC, at `locations` (default: all)."""
    rows = qbc_variant(pair, sku)["locations"]
    return sum(int(float(row["stock_on_hand"])) - int(float(row["committed"] or 0))
               for row in rows if locations is None or row["location_id"] in locations)


class QbcApi:
    """The merchant working in QBC itself, through its REST API (test setup only)."""

    def __init__(self, pair: SandboxPair) -> None:
        self.http = httpx.Client(base_url=pair.qbc_url, timeout=30,
                                 headers={"Authorization": f"Bearer {QBC_TOKEN}"})
        self.pair = pair

    def close(self) -> None:
        self.http.close()

    def update_variant(self, sku: str, **fields: Any) -> None:
        variant_id = qbc_variant(self.pair, sku)["id"]
        self.http.put(f"/variants/{variant_id}", json={"variant": fields}).raise_for_status()

    def archive_variant(self, sku: str) -> None:
        variant_id = qbc_variant(self.pair, sku)["id"]
        self.http.delete(f"/variants/{variant_id}").raise_for_status()

    def create_variant(self, sku: str, stock: int) -> int:
        product = self.http.post("/products", json={"product": {"name": f"Only in QBC {sku}"}})
        product.raise_for_status()
        variant = self.http.post("/variants", json={"variant": {
            "product_id": product.json()["product"]["id"], "sku": sku,
            "initial_stock_level": stock}})
        variant.raise_for_status()
        variant_id: int = variant.json()["variant"]["id"]
        return variant_id

    def active_order(self, sku: str, quantity: int, location_id: int | None = None) -> None:
        """An order keyed in QBC by hand: active, so it commits stock."""
        company = self.http.post("/companies", json={"company": {
            "name": "Walk-in buyer", "company_type": "consumer"}})
        company.raise_for_status()
        company_id = company.json()["company"]["id"]
        address = self.http.post("/addresses", json={"address": {
            "company_id": company_id, "label": "Home", "address1": "1 Main St",
            "city": "Austin", "country": "US"}})
        address.raise_for_status()
        order: dict[str, Any] = {
            "company_id": company_id, "status": "active", "issued_at": "2024-05-01",
            "shipping_address_id": address.json()["address"]["id"],
            "order_line_items": [{"variant_id": qbc_variant(self.pair, sku)["id"],
                                  "quantity": str(quantity)}]}
        if location_id is not None:
            order["stock_location_id"] = location_id
        self.http.post("/orders", json={"order": order}).raise_for_status()


def levels(ctx: IntegrationContext) -> dict[str, StoredLevel]:
    with ctx.store.session() as session:
        return stored_levels(session, ctx.integration_id)
