"""A delivery run ends even when a full batch of due orders cannot move."""

from __future__ import annotations

import pytest

from orderbridge.model import DeliveryState, OrderStatus
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.store.delivery_rows import lock_rows, update_rows
from orderbridge.store.orders import DownloadedOrder, insert_downloaded_many
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.deliver import BATCH, deliver
from tests.store.factories import canonical, houzz_payload
from tests.sync.test_order_flow import statuses


@pytest.mark.timeout(60)
def test_a_batch_that_cannot_move_ends_the_run(ctx: IntegrationContext,
                                               pair: SandboxPair) -> None:
    keys = [f"STUCK-{n}" for n in range(BATCH)]
    with ctx.store.begin() as session:
        stored = insert_downloaded_many(session, ctx.integration_id, [
            DownloadedOrder(key, houzz_payload(key), canonical(key, f"R-{n}"))
            for n, key in enumerate(keys)])
        rows = lock_rows(session, [order_id for order_id, _ in stored.values()])
        # in flight with nothing recorded to look up or resend: no run can settle these
        update_rows(session, [(row, {"delivery_state": DeliveryState.IN_FLIGHT})
                              for row in rows.values()])
    result = deliver(ctx)
    assert (result.delivered, result.held, result.recovered) == (0, 0, 0)
    assert statuses(ctx) == {OrderStatus.NEW: BATCH}
