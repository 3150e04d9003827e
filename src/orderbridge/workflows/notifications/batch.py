"""When a batch of alerts goes out.

New alerts wait up to ``alert_batch_minutes`` so that one message carries them all: a batch is
due when its oldest alert has waited that long, so an integration gets at most one message per
window (every alert after a send is younger than that send, and waits its own window). An
urgent alert makes the batch due at once, carrying the others with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

URGENT_KINDS = frozenset({
    "paused",  # workflows.pause: the integration stopped; nothing flows until a person acts
    "canceled_after_ship",  # workflows.cancellations.voiding: the buyer canceled a shipped order
})


class Pending(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


def is_urgent(kind: str) -> bool:
    return kind in URGENT_KINDS


def batch_due(pending: Sequence[Pending], now: datetime, window_minutes: float) -> bool:
    """Whether the alerts waiting (oldest first or not) should go out now."""
    if not pending:
        return False
    if any(is_urgent(alert.kind) for alert in pending):
        return True
    oldest = min(alert.created_at for alert in pending)
    return now - oldest >= timedelta(minutes=window_minutes)
