"""The `notify` job: new alerts go out by email and/or webhook, batched, urgent ones at once.

Each run, per integration: read the active alerts not yet notified; if the batch is due
(`batch`), send them to each channel set up that has not sent them yet, one email / one POST
carrying all of them; after each successful send, in one transaction, record it (`progress`)
and mark notified the alerts every channel has now sent. A failed send changes nothing: the
next run sends the same alerts again, and the job reports the failure in words.

At least once, not exactly once: a crash (or a lost answer) between a send and its commit
sends those alerts again at the next run. For alerts that is the right way round (a repeat is
a nuisance, a lost "integration paused" is not); the webhook's X-Orderbridge-Delivery header is
the same for a repeat, so a receiver can drop it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from orderbridge.store import alerts
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.notifications import digest, progress
from orderbridge.workflows.notifications.batch import batch_due
from orderbridge.workflows.notifications.channels import ChannelName, Channels, channels_of
from orderbridge.workflows.notifications.digest import Notice
from orderbridge.workflows.notifications.failures import NotificationFailed
from orderbridge.workflows.notifications.mail import send_email
from orderbridge.workflows.notifications.webhook import post_webhook
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.stop import StopToken, stopped

BATCH_LIMIT = 200
"""Alerts in one message at most; more go in the next run's."""


@dataclass
class NotifyResult:
    """What a run of `notify` did (the job history's counts)."""

    seen: int = 0
    """Alerts not yet notified that were looked at (only when a channel is set up)."""
    emailed: int = 0
    posted: int = 0
    notified: int = 0


def notify(ctx: IntegrationContext, stop: StopToken | None = None,
           options: JobOptions | None = None) -> NotifyResult:
    """Send the integration's new alerts where its settings say; raises `NotificationFailed`
    (after trying every channel) if one did not go."""
    result = NotifyResult()
    with ctx.store.session() as session:
        channels = channels_of(session, ctx.box, ctx.integration_id, ctx.config)
        pending = [Notice.of(alert) for alert in
                   alerts.unnotified_alerts(session, ctx.integration_id, limit=BATCH_LIMIT)]
        already = {name: progress.sent_by(session, ctx.integration_id, name)
                   for name in channels.active}
    if not channels.active:
        return result  # nowhere to send: the alerts stay unnotified, on the dashboard
    result.seen = len(pending)
    if not batch_due(pending, ctx.clock.now(), ctx.config.alert_batch_minutes):
        return result
    failures = []
    for name in channels.active:
        if stopped(stop):
            break
        todo = [notice for notice in pending if notice.id not in already[name]]
        if not todo:
            continue
        try:
            _send(ctx, channels, name, todo)
        except NotificationFailed as exc:
            failures.append(str(exc))
            continue
        with ctx.store.begin() as session:
            done = progress.record_sent(session, ctx.integration_id, name,
                                        [notice.id for notice in todo], active=channels.active,
                                        pending=[notice.id for notice in pending],
                                        at=ctx.clock.now())
        result.notified += len(done)
        if name == "email":
            result.emailed += len(todo)
        else:
            result.posted += len(todo)
    if failures:
        raise NotificationFailed("alerts", "; ".join(failures) + " (sent again at the next run)")
    return result


def _send(ctx: IntegrationContext, channels: Channels, name: ChannelName,
          notices: list[Notice]) -> None:
    if name == "email":
        assert channels.email is not None
        send_email(channels.email, digest.subject(ctx.name, notices),
                   digest.text_body(ctx.name, notices))
    else:
        assert channels.webhook is not None
        body = digest.json_body(ctx.name, notices, sent_at=ctx.clock.now())
        post_webhook(channels.webhook, body, event="alerts",
                     delivery=delivery_id(ctx.integration_id, notices))


def delivery_id(integration_id: int, notices: list[Notice]) -> str:
    """The same for the same alerts of the same integration (a resend after a crash)."""
    ids = ",".join(str(notice.id) for notice in notices)
    return hashlib.sha256(f"{integration_id}:{ids}".encode()).hexdigest()[:32]
