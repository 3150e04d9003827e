"""After a Houzz write whose answer left its outcome unknown (an HTML page, no `Ack`): read
the order back before deciding, as delivery looks an order up in QBC after a timeout.

A write Houzz may have carried out is never taken as refused; if the read-back shows it done,
it is recorded as done now, else it stays in flight and is sent again later (a repeated Ship or
Cancel is refused as already done, which the workflows read as success).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from orderbridge.errors import RemoteError
from orderbridge.workflows.context import IntegrationContext

SHIPPED = frozenset({"shipped"})
CANCELED = frozenset({"canceled", "cancelled"})


def houzz_shows(ctx: IntegrationContext, houzz_order_id: str, created: datetime | None,
                statuses: Collection[str]) -> bool:
    """Whether Houzz now lists the order in one of ``statuses`` (False when it cannot tell:
    no Created to look in, or the read failed)."""
    if created is None:
        return False
    try:
        status = ctx.houzz.order_status(houzz_order_id, created, zone=ctx.config.zone)
    except RemoteError:
        return False
    return (status or "").strip().lower() in statuses
