"""`orderbridge demo`: the sandboxes, seeded, and a first look at both APIs.

At this stage of the project the demo shows the two simulators a merchant will connect: it places
Houzz orders as buyers, reads them back through the Houzz Seller API, and reads the matching
stock through the QuickBooks Commerce API. The order flow between them comes next.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from orderbridge.cli.sandbox_cmd import print_banner
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair, start_sandboxes


def demo(
    orders: Annotated[int, typer.Option(help="Houzz orders the buyers place.")] = 8,
    skus: Annotated[int, typer.Option(help="SKUs in the seeded catalog.")] = 25,
    keep_running: Annotated[
        bool, typer.Option(help="Keep the sandboxes running afterwards, until Ctrl-C.")
    ] = False,
) -> None:
    """Start the sandboxes, place Houzz orders, and read both APIs as orderbridge will."""
    console = Console()
    pair = start_sandboxes()
    try:
        pair.seed(skus, seed=7)
        placed = pair.control("houzz", "orders", {"count": orders})["order_ids"]
        console.print(f"Buyers placed {len(placed)} orders on the Houzz sandbox.")
        console.print(houzz_orders_table(pair))
        console.print(qbc_stock_table(pair))
        print_banner(console, pair)
        console.print("Next: the order flow (orders from Houzz into QuickBooks Commerce).")
        if keep_running:
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        console.print("Stopping the sandboxes.")
    finally:
        pair.stop()


def houzz_orders_table(pair: SandboxPair) -> Table:
    """Charged orders, read through the Houzz Seller API's getOrders."""
    headers = {
        "X-HOUZZ-API-SSL-TOKEN": HOUZZ_CREDENTIALS["token"],
        "X-HOUZZ-API-USER-NAME": HOUZZ_CREDENTIALS["username"],
        "X-HOUZZ-API-APP-NAME": HOUZZ_CREDENTIALS["app_name"],
    }
    params = {"format": "json", "method": "getOrders", "Status": "Charged"}
    body = httpx.get(f"{pair.houzz_url}/api", params=params, headers=headers).json()
    if body.get("Ack") != "Success":
        raise RuntimeError(f"Houzz sandbox refused getOrders: {body.get('Errors')}")
    table = Table(title="Houzz: getOrders Status=Charged")
    for column in ("OrderId", "Created", "Customer", "Lines", "Total"):
        table.add_column(column)
    for order in body["Orders"]:
        items: list[dict[str, Any]] = order.get("OrderItems", [])
        lines = ", ".join(f"{item['SKU']} x{item['Quantity']}" for item in items)
        table.add_row(order["OrderId"], order["Created"], order["CustomerName"], lines,
                      str(order["OrderTotal"]))
    return table


def qbc_stock_table(pair: SandboxPair, limit: int = 10) -> Table:
    """The first variants and their stock, read through the QBC API."""
    response = httpx.get(
        f"{pair.qbc_url}/variants",
        params={"limit": limit},
        headers={"Authorization": f"Bearer {QBC_TOKEN}"},
    )
    response.raise_for_status()
    table = Table(title=f"QuickBooks Commerce: GET /variants?limit={limit} "
                        f"(rate budget left: {response.headers.get('X-Rate-Limit-Remaining')})")
    for column in ("SKU", "Name", "On hand", "Committed", "Available"):
        table.add_column(column)
    for variant in response.json()["variants"]:
        table.add_row(variant["sku"], variant["name"], variant["stock_on_hand"],
                      variant["committed_stock"], variant["available_stock"])
    return table
