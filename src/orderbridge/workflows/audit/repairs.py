"""Preparing a repair for the job that carries it out: the shipments job reads the QBC
fulfillments an audit named the way it reads those QBC's webhooks named (its inbox), so a
package is recorded and confirmed once, whichever way it came."""

from __future__ import annotations

from collections.abc import Iterable

from orderbridge.store import qbc_webhooks
from orderbridge.workflows.audit.discrepancy import Discrepancy
from orderbridge.workflows.context import IntegrationContext

FULFILLED = "fulfillment.fulfilled"


def name_fulfillments(ctx: IntegrationContext, audit_id: int,
                      discrepancies: Iterable[Discrepancy]) -> int:
    """Put the fulfillments of these discrepancies in the shipments job's inbox; how many."""
    ids = {fid for d in discrepancies if d.repair is not None and d.repair.job == "shipments"
           for fid in d.repair.fulfillment_ids if fid.isdigit()}
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        for fulfillment_id in sorted(ids, key=int):
            qbc_webhooks.record_delivery(session, ctx.integration_id,
                                         f"audit-{audit_id}-{fulfillment_id}", FULFILLED,
                                         int(fulfillment_id), at=now)
    return len(ids)
