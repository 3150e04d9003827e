"""A download that finds new orders delivers them in the same cycle (`runtime.jobs.FOLLOW_UPS`):
order → QBC latency is the download interval plus one call, not the sum of two intervals."""

from __future__ import annotations

from orderbridge.runtime.jobs import run_with_follow_ups
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.workflows.context import IntegrationContext
from tests.cli.conftest import qbc_orders


def test_new_orders_are_delivered_right_after_the_download(ctx: IntegrationContext,
                                                           pair: SandboxPair) -> None:
    pair.control("houzz", "orders", {"count": 2})
    outcomes = run_with_follow_ups(ctx, "download")
    assert [outcome.job for outcome in outcomes] == ["download", "deliver"]
    assert outcomes[0].counts["new"] == 2 and outcomes[1].counts["delivered"] == 2
    assert len(qbc_orders(pair)) == 2


def test_a_download_that_found_nothing_does_not_run_delivery(ctx: IntegrationContext,
                                                             pair: SandboxPair) -> None:
    outcomes = run_with_follow_ups(ctx, "download")
    assert [outcome.job for outcome in outcomes] == ["download"]
    pair.control("houzz", "orders", {"count": 1})
    only_download = run_with_follow_ups(ctx, "download", allowed=("download",))
    assert [outcome.job for outcome in only_download] == ["download"]  # sync --job download
    assert qbc_orders(pair) == []
