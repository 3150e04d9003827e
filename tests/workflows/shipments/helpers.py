"""Helpers for the tracking tests: deliver orders through the real flow, ship them in QBC as
the warehouse would (`POST /_sandbox/orders/{id}/ship`), and read what each side holds."""

from __future__ import annotations

from typing import Any

from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import run_job, run_once
from orderbridge.sandbox.launcher import QBC_TOKEN, SandboxPair
from orderbridge.store import orders
from orderbridge.store.tables import Order
from orderbridge.workflows.context import IntegrationContext


def deliver_orders(ctx: IntegrationContext, pair: SandboxPair, count: int,
                   **options: Any) -> dict[str, int]:
    """Buyers place `count` orders; the hub delivers them. Houzz OrderId → QBC order id."""
    placed: list[str] = pair.control("houzz", "orders", {"count": count, **options}
                                     )["order_ids"]
    run_once(ctx, ["download", "deliver"])
    with ctx.store.session() as session:
        found = {}
        for houzz_id in placed:
            order = orders.get_order_by_channel_id(session, ctx.integration_id, houzz_id)
            assert order is not None and order.status is OrderStatus.AT_WMS, houzz_id
            assert order.warehouse_order_id is not None
            found[houzz_id] = int(order.warehouse_order_id)
    return found


def place_one(pair: SandboxPair, lines: int) -> str:
    """One order with `lines` product lines of distinct SKUs, quantity 2 each."""
    listings = pair._control.get(f"{pair.houzz_url}/_sandbox/listings").json()["listings"]
    items = [{"Type": "Product", "SKU": listing["SKU"], "Quantity": 2, "Price": "10.00"}
             for listing in listings[:lines]]
    order = {"CustomerName": "Grace Hopper", "Address": {
        "Address": "1 Compiler Lane", "City": "Arlington", "State": "VA", "Zip": "22201",
        "Phone": "703-555-0101", "Country": "US"}, "OrderItems": items,
        "OrderTotal": f"{20 * lines:.2f}", "FlatShipping": "0"}
    order_id: str = pair.control("houzz", "orders", {"orders": [order]})["order_ids"][0]
    return order_id


def deliver_one(ctx: IntegrationContext, pair: SandboxPair, lines: int = 1) -> tuple[str, int]:
    houzz_id = place_one(pair, lines)
    run_once(ctx, ["download", "deliver"])
    return houzz_id, warehouse_id(ctx, houzz_id)


def warehouse_id(ctx: IntegrationContext, houzz_id: str) -> int:
    with ctx.store.session() as session:
        order = orders.get_order_by_channel_id(session, ctx.integration_id, houzz_id)
        assert order is not None and order.warehouse_order_id is not None
        return int(order.warehouse_order_id)


def ship(pair: SandboxPair, qbc_order_id: int | str, carrier: str | None = "UPS",
         tracking: str | None = "1Z999AA10123456784", *, lines: list[dict[str, Any]] | None = None,
         service: str | None = "Ground") -> dict[str, Any]:
    """The warehouse ships (everything left, or `lines`), creating a fulfilled fulfillment."""
    body: dict[str, Any] = {}
    for key, value in (("tracking_company", carrier), ("tracking_number", tracking),
                       ("service", service)):
        if value is not None:
            body[key] = value
    if lines is not None:
        body["lines"] = lines
    fulfillment: dict[str, Any] = pair.control("qbc", f"orders/{qbc_order_id}/ship",
                                               body)["fulfillment"]
    return fulfillment


def qbc_lines(pair: SandboxPair, qbc_order_id: int) -> list[dict[str, Any]]:
    """The product lines of a QBC order (control API: no API call spent)."""
    order = pair._control.get(f"{pair.qbc_url}/_sandbox/orders/{qbc_order_id}").json()["order"]
    return [line for line in order["order_line_items"] if line.get("variant_id")]


def houzz_order(pair: SandboxPair, houzz_id: str) -> dict[str, Any]:
    order: dict[str, Any] = pair._control.get(
        f"{pair.houzz_url}/_sandbox/orders/{houzz_id}").json()
    return order


def hub_order(ctx: IntegrationContext, houzz_id: str) -> Order:
    with ctx.store.session() as session:
        order = orders.get_order_by_channel_id(session, ctx.integration_id, houzz_id)
        assert order is not None
        session.expunge(order)
        return order


def ship_calls(pair: SandboxPair) -> list[dict[str, Any]]:
    return [c for c in pair.calls("houzz") if c.get("api_method") == "updateOrder"]


def fulfillment_reads(pair: SandboxPair) -> list[dict[str, Any]]:
    return [c for c in pair.calls("qbc") if c["path"].startswith("/fulfillments")]


def run_shipments(ctx: IntegrationContext) -> dict[str, Any]:
    outcome = run_job(ctx, "shipments")
    assert outcome.error is None and outcome.skipped is None, outcome
    return outcome.counts


def warehouse_edits_fulfillment(pair: SandboxPair, fulfillment_id: int,
                                changes: dict[str, Any]) -> None:
    """A person at the warehouse changes a fulfillment in QBC (as its own API allows)."""
    pair._control.put(f"{pair.qbc_url}/fulfillments/{fulfillment_id}",
                      json={"fulfillment": changes},
                      headers={"Authorization": f"Bearer {QBC_TOKEN}"}).raise_for_status()
