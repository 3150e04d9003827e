"""`orderbridge demo`: the whole order flow against the sandboxes, with nothing to set up.

Starts both simulators on free loopback ports, connects an integration `demo` to them in a
home of its own (never the merchant's), then either runs one cycle of every job (`--once`) or
plays a few minutes of a shop's life: buyers placing Houzz orders, some with a SKU QuickBooks
Commerce does not know, the hub delivering them, and the merchant fixing one held order with an
alias. It ends with a summary and the commands to look further.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from orderbridge.cli.demo.runner import DemoRun, run_live_demo, run_once_demo
from orderbridge.cli.demo.snapshot import Snapshot
from orderbridge.cli.demo.web import demo_web
from orderbridge.cli.demo.world import INTEGRATION, build_world, demo_home
from orderbridge.errors import OrderbridgeError
from orderbridge.runtime.stopping import stop_on_signals
from orderbridge.workflows.stop import StopToken

CATALOG_SKUS = 40


def demo(
    once: Annotated[bool, typer.Option(
        "--once", help="Place the orders, run every job once, print the summary, exit.")] = False,
    orders: Annotated[int, typer.Option(
        min=0, help="Orders waiting on Houzz when the hub first looks.")] = 12,
    duration: Annotated[float, typer.Option(
        min=1, help="Seconds the live demo runs (Ctrl-C stops it sooner).")] = 60,
    home: Annotated[Path | None, typer.Option(
        help="An empty directory for the demo's database and key (default: a fresh "
             "temporary directory).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the catalog and the buyers.")] = 7,
    web_port: Annotated[int, typer.Option(
        min=0, max=65535, help="Port of the web app while the demo runs (any free port if "
        "it is taken).")] = 8000,
) -> None:
    """Watch Houzz orders flow into QuickBooks Commerce, against local sandboxes."""
    console = Console()
    stop = StopToken()
    try:
        with stop_on_signals(stop):
            home_dir = demo_home(home)
            console.print(f"Demo home: {escape(str(home_dir))} (its own database; not "
                          "~/.orderbridge)", highlight=False, soft_wrap=True)
            world = build_world(home_dir, skus=CATALOG_SKUS, seed=seed)
            try:
                with demo_web(world, web_port) as web:
                    console.print(f"Houzz sandbox: {world.pair.houzz_url}\n"
                                  f"QuickBooks Commerce sandbox: {world.pair.qbc_url}\n"
                                  f"Integration {INTEGRATION!r} connected to both; "
                                  f"{CATALOG_SKUS} SKUs on each side.\n"
                                  f"Web app (while the demo runs): {web.url}/?integration="
                                  f"{INTEGRATION}  log in as {web.user} / {web.password}",
                                  highlight=False, soft_wrap=True, markup=False)
                    run = DemoRun(world, console, orders=orders, seed=seed)
                    snapshot = (run_once_demo(run) if once
                                else run_live_demo(run, duration, stop))
            finally:
                world.close()
    except OrderbridgeError as exc:
        Console(stderr=True).print(f"[red]Error:[/red] {escape(str(exc))}", highlight=False,
                                   soft_wrap=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        console.print("Interrupted.")
        raise typer.Exit(130) from None
    print_next_steps(console, home_dir, snapshot)


def print_next_steps(console: Console, home: Path, snapshot: Snapshot) -> None:
    """Where the demo's data stays, and the commands that read it."""
    env = f"ORDERBRIDGE_HOME={home}"
    if os.environ.get("ORDERBRIDGE_DATABASE_URL"):
        env += " ORDERBRIDGE_DATABASE_URL="
    prefix = f"{env} orderbridge"
    example = snapshot.held[0].ref if snapshot.held else None
    lines = [f"The sandboxes have stopped; the demo's store stays in {home}. Look further:",
             f"  {prefix} orders list -i {INTEGRATION}",
             f"  {prefix} orders list -i {INTEGRATION} --status held"]
    if example is not None:
        lines.append(f"  {prefix} orders show {example} -i {INTEGRATION}")
    console.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)
