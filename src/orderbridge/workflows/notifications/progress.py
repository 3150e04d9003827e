"""Which alerts each channel has already sent, so that one channel failing never makes the
other send twice.

An alert is marked notified (``alerts.notified_at``) once every channel that is set up has sent
it. Until then, the ids a channel sent are kept in a cursor of its own (``notify.email``,
``notify.webhook``: a JSON list), so the next run sends them only where they have not gone yet.
Both move in the caller's transaction, right after the send they record. No function here
commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from orderbridge.store import alerts, cursors
from orderbridge.workflows.notifications.channels import ChannelName


def _cursor(channel: ChannelName) -> str:
    return f"notify.{channel}"


def sent_by(session: Session, integration_id: int, channel: ChannelName) -> set[int]:
    """The ids ``channel`` sent that are not yet marked notified."""
    value = cursors.get_cursor(session, integration_id, _cursor(channel))
    try:
        ids = json.loads(value) if value else []
    except ValueError:
        return set()  # unreadable: at worst an alert goes out twice, never not at all
    return {int(i) for i in ids if isinstance(i, int)}


def record_sent(session: Session, integration_id: int, channel: ChannelName,
                sent: Iterable[int], *, active: list[ChannelName], pending: Iterable[int],
                at: datetime) -> list[int]:
    """Record that ``channel`` sent ``sent``; mark notified what every ``active`` channel has
    now sent; keep, per channel, only ids still ``pending`` and not yet marked. Returns the ids
    marked notified."""
    waiting = set(pending)
    by_channel = {name: sent_by(session, integration_id, name) for name in active}
    by_channel[channel] = by_channel.get(channel, set()) | set(sent)
    done = set.intersection(*(by_channel[name] for name in active)) if active else set()
    done &= waiting
    alerts.mark_notified(session, sorted(done), at=at)
    for name, ids in by_channel.items():
        cursors.set_cursor(session, integration_id, _cursor(name),
                           json.dumps(sorted((ids & waiting) - done)))
    return sorted(done)
