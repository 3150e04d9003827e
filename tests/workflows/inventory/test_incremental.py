"""Inventory cycles read only the QBC variants changed since the last read (usually one call),
a full read every `inventory_full_every_s` and on `--full`, and compute stock from the whole
variant index.

The QBC sandbox runs on a clock the test moves (the hub's clock follows it, a lead apart), so
"two minutes later" needs no waiting: the cursor's minute of overlap is passed by moving it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from orderbridge.clock import FrozenClock
from orderbridge.sandbox.catalog import build_catalog
from orderbridge.sandbox.houzz import create_houzz_app
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.sandbox.qbc import create_qbc_app
from orderbridge.sandbox.server import serve_in_thread
from orderbridge.settings import Settings
from orderbridge.store import Store
from orderbridge.store.variants import VariantRow, upsert_variants
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.inventory.result import InventoryResult
from tests.workflows.conftest import connect
from tests.workflows.inventory.rig import (
    QbcApi,
    available,
    configure,
    forget_calls,
    houzz_quantities,
    inventory_calls,
    run_inventory,
    set_stock,
)

VARIANTS = 260
FULL_READ_CALLS = 2
"""250 variants a page: more than one page, so a full read is told from an incremental one."""
CATALOG = build_catalog(VARIANTS, 7)
CYCLE = 120.0
"""Seconds between two cycles (the default `inventory_every_s`)."""


class HubClock:
    """The hub's clock: QBC's, `lead` ahead (a hub whose clock runs fast)."""

    def __init__(self, qbc: FrozenClock) -> None:
        self.qbc = qbc
        self.lead = timedelta(0)

    def now(self) -> datetime:
        return self.qbc.now() + self.lead

    def time(self) -> float:
        return self.now().timestamp()


@pytest.fixture(scope="module")
def qbc_clock() -> FrozenClock:
    return FrozenClock(datetime(2024, 5, 1, 12, tzinfo=UTC))


@pytest.fixture(scope="module")
def timed_sandboxes(qbc_clock: FrozenClock) -> Iterator[SandboxPair]:
    pair = SandboxPair(serve_in_thread(create_houzz_app()),
                       serve_in_thread(create_qbc_app(clock=qbc_clock)))
    yield pair
    pair.stop()


@pytest.fixture
def pair(timed_sandboxes: SandboxPair, qbc_clock: FrozenClock) -> SandboxPair:
    timed_sandboxes.reset()
    timed_sandboxes.seed(VARIANTS, seed=7)
    qbc_clock.advance(600)  # the catalog was imported ten minutes ago
    return timed_sandboxes


@pytest.fixture
def hub_clock(qbc_clock: FrozenClock) -> HubClock:
    return HubClock(qbc_clock)


@pytest.fixture
def ctx(store: Store, settings: Settings, pair: SandboxPair,
        hub_clock: HubClock) -> Iterator[IntegrationContext]:
    context = connect(store, settings, pair)
    context.clock = hub_clock  # before the first call: the clients take the clock then
    yield context
    context.close()


def cycle(ctx: IntegrationContext, pair: SandboxPair, qbc_clock: FrozenClock, *,
          after: float = CYCLE, full: bool = False) -> InventoryResult:
    """A cycle `after` seconds after the last; its calls alone in the sandboxes' call logs."""
    qbc_clock.advance(after)
    forget_calls(pair)
    result = run_inventory(ctx, full=full)
    assert result.pages == len([call for call in pair.calls("qbc")
                                if call["path"] == "/variants"])
    return result


def settle(ctx: IntegrationContext, pair: SandboxPair, qbc_clock: FrozenClock) -> None:
    """The first cycle (a full read), then one that re-reads the import once: until the hub
    has seen QBC's clock pass the import by the overlap, the cursor cannot pass it."""
    first = cycle(ctx, pair, qbc_clock)
    assert first.full_read and first.pages == FULL_READ_CALLS and first.pushed == VARIANTS
    second = cycle(ctx, pair, qbc_clock)
    assert not second.full_read and second.changed == 0


def test_a_quiet_cycle_costs_one_call_and_pushes_nothing(
        ctx: IntegrationContext, pair: SandboxPair, qbc_clock: FrozenClock) -> None:
    settle(ctx, pair, qbc_clock)
    for _ in range(3):
        quiet = cycle(ctx, pair, qbc_clock)
        assert (quiet.full_read, quiet.pages, quiet.seen) == (False, 1, 0)
        assert (quiet.changed, quiet.pushed, len(inventory_calls(pair))) == (0, 0, 0)


def test_a_stock_change_costs_one_call_and_pushes_that_sku(
        ctx: IntegrationContext, pair: SandboxPair, qbc_clock: FrozenClock) -> None:
    settle(ctx, pair, qbc_clock)
    before = houzz_quantities(pair)
    sku = CATALOG[211].sku
    set_stock(pair, sku, 4)
    changed = cycle(ctx, pair, qbc_clock)
    assert (changed.pages, changed.seen, changed.pushed, len(inventory_calls(pair))) == (
        1, 1, 1, 1)
    assert houzz_quantities(pair) == {**before, sku: 4} and available(pair, sku) == 4
    after = cycle(ctx, pair, qbc_clock)  # re-read within the overlap, nothing to push
    assert (after.pages, after.pushed) == (1, 0)


def test_a_variant_archived_after_the_read_goes_to_zero_at_the_next_cycle(
        ctx: IntegrationContext, pair: SandboxPair, qbc_clock: FrozenClock) -> None:
    settle(ctx, pair, qbc_clock)
    sku = CATALOG[5].sku
    assert houzz_quantities(pair)[sku] > 0
    api = QbcApi(pair)
    try:
        api.archive_variant(sku)  # DELETE /variants/{id}: QBC archives it
    finally:
        api.close()
    archived = cycle(ctx, pair, qbc_clock)
    assert (archived.full_read, archived.pages, archived.pushed) == (False, 1, 1)
    assert houzz_quantities(pair)[sku] == 0


def test_a_full_read_comes_again_once_inventory_full_every_s_has_passed(
        ctx: IntegrationContext, pair: SandboxPair, qbc_clock: FrozenClock,
        hub_clock: HubClock) -> None:
    configure(ctx, inventory_full_every_s="3600")
    settle(ctx, pair, qbc_clock)  # its first cycle read every variant
    full_read_at = hub_clock.now() - timedelta(seconds=CYCLE)
    almost = cycle(ctx, pair, qbc_clock, after=3600 - CYCLE - 1)
    assert (almost.full_read, almost.pages) == (False, 1)  # a second short of the hour
    again = cycle(ctx, pair, qbc_clock, after=1)
    assert hub_clock.now() - full_read_at == timedelta(hours=1)
    assert (again.full_read, again.pages, again.seen) == (True, FULL_READ_CALLS, VARIANTS)
    assert again.pushed == 0  # a full read, not a full push: nothing changed
    later = cycle(ctx, pair, qbc_clock)
    assert (later.full_read, later.pages) == (False, 1)


def test_full_always_reads_every_variant(ctx: IntegrationContext, pair: SandboxPair,
                                         qbc_clock: FrozenClock) -> None:
    settle(ctx, pair, qbc_clock)
    for _ in range(2):
        full = cycle(ctx, pair, qbc_clock, full=True)
        assert (full.full_read, full.pages, full.seen) == (True, FULL_READ_CALLS, VARIANTS)
        assert full.pushed == VARIANTS  # --full also re-pushes every SKU


def test_a_hub_clock_ahead_of_qbc_misses_no_change(
        ctx: IntegrationContext, pair: SandboxPair, qbc_clock: FrozenClock,
        hub_clock: HubClock) -> None:
    hub_clock.lead = timedelta(minutes=10)  # a cursor on the hub's clock would skip 10 min
    settle(ctx, pair, qbc_clock)
    sku = CATALOG[42].sku
    set_stock(pair, sku, 2)
    changed = cycle(ctx, pair, qbc_clock)
    assert (changed.pages, changed.pushed, houzz_quantities(pair)[sku]) == (1, 1, 2)


def test_index_records_that_cannot_be_read_are_counted(
        ctx: IntegrationContext, pair: SandboxPair, qbc_clock: FrozenClock) -> None:
    settle(ctx, pair, qbc_clock)
    with ctx.store.begin() as session:  # stored by an older version, say
        upsert_variants(session, ctx.integration_id, [
            VariantRow(10**9, "JUNK", None, "active", {"id": "not a number"}, None)],
            seen_at=ctx.clock.now())
    result = cycle(ctx, pair, qbc_clock)
    assert (result.unreadable, result.pushed) == (1, 0)
