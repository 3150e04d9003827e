"""A delivery run ends even when a full batch of due orders cannot move."""

from __future__ import annotations

import pytest

from orderbridge.model import OrderStatus, OutboundEffect, OutboundState
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.store.orders import DownloadedOrder, insert_downloaded, lock_orders
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.delivery import BATCH, deliver
from tests.store.factories import canonical, houzz_payload
from tests.workflows.orders.test_order_flow import statuses


@pytest.mark.timeout(60)
def test_a_batch_that_cannot_move_ends_the_run(ctx: IntegrationContext,
                                               pair: SandboxPair) -> None:
    keys = [f"STUCK-{n}" for n in range(BATCH)]
    with ctx.store.begin() as session:
        stored = insert_downloaded(session, ctx.integration_id, [
            DownloadedOrder(key, houzz_payload(key), canonical(key, f"R-{n}"))
            for n, key in enumerate(keys)])
        # in flight with nothing recorded to look up or resend: no run can settle these
        for order in lock_orders(session, [order_id for order_id, _ in stored.values()]).values():
            order.outbound_effect = OutboundEffect.DELIVERY
            order.outbound_state = OutboundState.IN_FLIGHT
    result = deliver(ctx)
    assert (result.delivered, result.held, result.recovered) == (0, 0, 0)
    assert statuses(ctx) == {OrderStatus.NEW: BATCH}
