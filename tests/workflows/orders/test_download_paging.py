"""What each download reads, seen from the Houzz sandbox's call log: windows that overlap the
previous poll, pages that overlap each other, and a cursor that moves only with the window's
last page (so a poll cut short reads the whole window again)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from orderbridge.connectors.houzz.client import houzz_time
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import Store, cursors, orders
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.download import CURSOR, download
from orderbridge.workflows.stop import StopToken
from tests.workflows.conftest import connect


def polls(pair: SandboxPair) -> list[dict[str, str]]:
    """The getOrders calls Houzz received: their query parameters, oldest first."""
    return [{key: values[0] for key, values in parse_qs(call["query"]).items()}
            for call in pair.calls("houzz") if call.get("api_method") == "getOrders"]


def cursor(ctx: IntegrationContext) -> datetime | None:
    with ctx.store.session() as session:
        value = cursors.get_cursor(session, ctx.integration_id, CURSOR)
    return None if value is None else datetime.fromisoformat(value)


def place(pair: SandboxPair, count: int) -> list[str]:
    placed: list[str] = pair.control("houzz", "orders", {"count": count})["order_ids"]
    return placed


def stored(ctx: IntegrationContext) -> int:
    with ctx.store.session() as session:
        return sum(orders.count_by_status(session, ctx.integration_id).values())


def test_each_poll_rereads_the_overlap_before_the_last_one(store: Store, settings: Settings,
                                                           pair: SandboxPair) -> None:
    ctx = connect(store, settings, pair, window_overlap_hours="6")
    try:
        place(pair, 3)
        download(ctx)
        first = cursor(ctx)
        assert first is not None
        download(ctx)
        second_poll = polls(pair)[-1]
        assert second_poll["From"] == houzz_time(first - timedelta(hours=6), ctx.config.zone)
        to = datetime.fromisoformat(second_poll["To"]).replace(tzinfo=ctx.config.zone)
        assert to >= datetime.now(ctx.config.zone) + timedelta(hours=23)  # a day ahead
        assert stored(ctx) == 3  # re-read, stored once
    finally:
        ctx.close()


def test_pages_overlap_and_every_order_is_stored_once(store: Store, settings: Settings,
                                                     pair: SandboxPair) -> None:
    ctx = connect(store, settings, pair, houzz_page_size="10")
    try:
        placed = place(pair, 25)
        result = download(ctx)
        assert [int(poll["Start"]) for poll in polls(pair)] == [0, 5, 10, 15, 20]
        assert {int(poll["NumberOfItems"]) for poll in polls(pair)} == {10}
        assert result.new == len(placed) == stored(ctx) == 25
        assert result.seen == 10 * 4 + 5  # each overlap read twice, stored once
    finally:
        ctx.close()


def _stop_after_first_page(pair: SandboxPair, stop: StopToken) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 20
        while not polls(pair) and time.monotonic() < deadline:
            time.sleep(0.005)
        stop.stop()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_the_cursor_moves_only_with_the_windows_last_page(store: Store, settings: Settings,
                                                          pair: SandboxPair) -> None:
    ctx = connect(store, settings, pair, houzz_page_size="10")
    try:
        place(pair, 25)
        pair.set_faults("houzz", latency_ms=150)
        stop = StopToken()
        watcher = _stop_after_first_page(pair, stop)
        result = download(ctx, stop)
        watcher.join(10)
        assert result.pages < 5 and 10 <= stored(ctx) < 25  # cut short, what it read is kept
        assert cursor(ctx) is None  # ...but the window is not done
        pair.set_faults("houzz")
        started = datetime.now().astimezone()
        download(ctx)
        moved = cursor(ctx)
        assert moved is not None and moved >= started - timedelta(seconds=1)
        assert stored(ctx) == 25
        first_of_second_run = polls(pair)[result.pages]
        assert first_of_second_run["Start"] == "0"  # the whole window again
    finally:
        ctx.close()
