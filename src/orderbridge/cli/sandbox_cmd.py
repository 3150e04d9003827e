"""`orderbridge sandbox`: run the Houzz and QBC simulators on loopback until stopped."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
from rich.console import Console

from orderbridge.sandbox.launcher import (
    HOUZZ_CREDENTIALS,
    HOUZZ_DEFAULT_PORT,
    QBC_DEFAULT_PORT,
    QBC_TOKEN,
    SandboxPair,
    start_sandboxes,
)


def sandbox(
    houzz_port: Annotated[int, typer.Option(help="Port of the Houzz simulator.")] = (
        HOUZZ_DEFAULT_PORT
    ),
    qbc_port: Annotated[int, typer.Option(help="Port of the QuickBooks Commerce simulator.")] = (
        QBC_DEFAULT_PORT
    ),
    skus: Annotated[int, typer.Option(help="SKUs to seed on both sides (0: start empty).")] = 50,
    seed: Annotated[int, typer.Option(help="Seed of the generated catalog and orders.")] = 1,
    orders: Annotated[int, typer.Option(help="Houzz orders to place at start.")] = 0,
    latency_ms: Annotated[float, typer.Option(help="Latency added to every API call.")] = 0,
    error_rate: Annotated[float, typer.Option(help="Share of API calls answered 500.")] = 0,
    rate_limit: Annotated[int, typer.Option(help="QBC requests allowed per window.")] = 300,
    rate_window: Annotated[float, typer.Option(help="QBC rate-limit window, seconds.")] = 300,
) -> None:
    """Run local simulators of the Houzz Seller API and the QuickBooks Commerce API.

    Try orderbridge against them before connecting real accounts. Stop with Ctrl-C.
    """
    console = Console()
    try:
        pair = start_sandboxes(houzz_port, qbc_port)
    except OSError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    try:
        prepare(pair, skus=skus, seed=seed, orders=orders, latency_ms=latency_ms,
                error_rate=error_rate, rate_limit=rate_limit, rate_window=rate_window)
        print_banner(console, pair)
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        console.print("Stopping the sandboxes.")
    finally:
        pair.stop()


def prepare(pair: SandboxPair, *, skus: int, seed: int, orders: int, latency_ms: float,
            error_rate: float, rate_limit: int, rate_window: float) -> None:
    """Seed both sides and set their faults."""
    if skus:
        pair.seed(skus, seed)
    if orders:
        pair.control("houzz", "orders", {"count": orders})
    faults: dict[str, Any] = {"latency_ms": latency_ms, "error_rate": error_rate}
    pair.set_faults("houzz", **faults)
    pair.set_faults("qbc", **faults, rate_limit={"limit": rate_limit, "window_s": rate_window})


def print_banner(console: Console, pair: SandboxPair) -> None:
    """The base URLs and credentials, exactly as `orderbridge connect` takes them."""
    h = HOUZZ_CREDENTIALS
    console.print("[bold]Houzz Seller API sandbox[/bold]", pair.houzz_url)
    console.print(f"  orderbridge connect houzz --token {h['token']} --username {h['username']} "
                  f"--app-name {h['app_name']} --base-url {pair.houzz_url}", soft_wrap=True,
                  markup=False, highlight=False)
    console.print("[bold]QuickBooks Commerce sandbox[/bold]", pair.qbc_url)
    console.print(f"  orderbridge connect qbc --token {QBC_TOKEN} --base-url {pair.qbc_url}",
                  soft_wrap=True, markup=False, highlight=False)
    console.print("Control API: POST <base>/_sandbox/orders {\"count\": 5}, "
                  "GET <base>/_sandbox/calls ... (docs/sandbox.md). Ctrl-C stops.",
                  soft_wrap=True, markup=False, highlight=False)
