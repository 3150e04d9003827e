"""Drawing a snapshot: orders by status, API calls against the QBC rate budget, held orders
with their reasons, and the recent events. Fits an 80-column terminal.

Events take one line each. `compact` is for the live view (one line per held order too, so the
frame keeps its height); the final summary shows the hold reasons in full.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from orderbridge.cli.demo.feed import DemoEvent
from orderbridge.cli.demo.snapshot import ApiUsage, HeldOrder, RateBudget, Snapshot
from orderbridge.model import OrderStatus

STATUS_LABELS = {
    OrderStatus.NEW: "new",
    OrderStatus.HELD: "held",
    OrderStatus.PREVIEW: "preview",
    OrderStatus.AT_WMS: "at_wms (in QBC)",
    OrderStatus.SHIPPED: "shipped",
    OrderStatus.CONFIRMED: "confirmed",
    OrderStatus.CANCELED: "canceled",
}
STATUS_STYLES = {OrderStatus.HELD: "yellow", OrderStatus.AT_WMS: "green"}
EVENT_STYLES = {"delivered": "green", "held": "yellow", "released": "cyan",
                "merchant": "bold magenta", "error": "red", "cancel": "bold blue",
                "canceled": "blue", "voided": "blue", "canceled_after_ship": "red",
                "confirmed": "bright_green", "warehouse": "bold cyan",
                "stock": "bright_cyan"}


def render(snapshot: Snapshot, *, heading: Iterable[str], compact: bool) -> RenderableType:
    top = Table.grid(padding=(0, 1), expand=True)
    top.add_column()
    top.add_column(ratio=1)
    top.add_row(Panel(status_table(snapshot), title="Orders", title_align="left"),
                Panel(api_table(snapshot), title="API calls", title_align="left"))
    return Group(
        *(Text(line, style="bold") for line in heading),
        top,
        Panel(held_table(snapshot.held, snapshot.held_total, compact),
              title=f"Held orders ({snapshot.held_total})", title_align="left"),
        Panel(events_table(snapshot.events), title="Recent events",
              title_align="left"),
    )


def status_table(snapshot: Snapshot) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column()
    table.add_column(justify="right")
    for status, label in STATUS_LABELS.items():
        count = snapshot.counts.get(status, 0)
        style = STATUS_STYLES.get(status, "") if count else "dim"
        table.add_row(Text(label, style=style), Text(str(count), style=style))
    return table


def api_table(snapshot: Snapshot) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_column(overflow="fold")
    table.add_row("Houzz", "", "")
    table.add_row(" orders placed", str(snapshot.houzz_orders), "by the buyers")
    table.add_row(" calls made", str(snapshot.houzz.calls), by_method(snapshot.houzz))
    table.add_row("QBC", "", "")
    table.add_row(" orders received", str(snapshot.qbc_orders),
                  f"delivered per the hub: {snapshot.delivered}"
                  + (f", voided: {snapshot.voided}" if snapshot.voided else ""))
    table.add_row(" calls made", str(snapshot.qbc.calls), by_method(snapshot.qbc))
    table.add_row(" budget left", *budget_cells(snapshot.budget))
    table.add_row(" 429s", str(snapshot.qbc.rate_limited),
                  "rate limit never hit" if not snapshot.qbc.rate_limited else "")
    return table


def by_method(usage: ApiUsage) -> str:
    return ", ".join(f"{name} {count}" for name, count in usage.by_method.items())


def budget_cells(budget: RateBudget) -> tuple[str, str]:
    if budget.remaining is None or budget.limit is None:
        return "-", "known from the next QBC answer"
    resets = "" if budget.resets_in_s is None else f", resets in {duration(budget.resets_in_s)}"
    return str(max(budget.remaining, 0)), f"of {budget.limit}{resets}"


def held_table(held: list[HeldOrder], total: int, compact: bool) -> RenderableType:
    if not held:
        return Text("none", style="dim")
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
    table.add_column("Order", no_wrap=True)
    table.add_column("Since", no_wrap=True, style="dim")
    table.add_column("Reason", ratio=1, no_wrap=compact, overflow="ellipsis" if compact
                     else "fold")
    for order in held:
        table.add_row(order.ref, clock(order.since), Text(order.reason, style="yellow"))
    if total > len(held):
        table.add_row("", "", Text(f"... and {total - len(held)} more", style="dim"))
    return table


def events_table(events: list[DemoEvent]) -> RenderableType:
    """One line per event (the held panel has the reasons in full)."""
    if not events:
        return Text("nothing yet", style="dim")
    table = Table(box=None, padding=(0, 1), show_header=False, show_edge=False, expand=True)
    table.add_column(no_wrap=True, style="dim")
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for event in events:
        table.add_row(clock(event.at), event.subject,
                      Text(event.text, style=EVENT_STYLES.get(event.kind, "")))
    return table


def event_line(event: DemoEvent) -> Text:
    """One event as a log line, for output that is not a terminal."""
    text = Text(f"{clock(event.at)}  {event.subject:<19}  ")
    text.append(event.text, style=EVENT_STYLES.get(event.kind, ""))
    return text


def clock(at: datetime) -> str:
    """Local wall-clock time, as the person watching reads it."""
    return at.astimezone().strftime("%H:%M:%S")


def duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}m {rest:02d}s" if minutes else f"{rest}s"
