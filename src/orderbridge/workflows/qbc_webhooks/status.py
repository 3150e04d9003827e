"""What the hub knows of an integration's QBC webhooks, for `orderbridge webhooks status` and
the Webhooks page: registered or not, at which address, when last checked, what arrived in the
last day and what became of it, and what to do when something is off."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from orderbridge.store import qbc_webhooks
from orderbridge.store.credentials import WEBHOOK_SECRET, configured_connectors
from orderbridge.store.migrate import Store
from orderbridge.store.qbc_webhooks import DeliveryCounts
from orderbridge.store.tables import WebhookDelivery, WebhookSubscription
from orderbridge.workflows.integration_config import IntegrationConfig
from orderbridge.workflows.qbc_webhooks.events import WANTED

WINDOW = timedelta(hours=24)
LATE = timedelta(minutes=5)
"""A delivery still pending after this long means no process works them off."""


@dataclass(frozen=True)
class WebhookStatus:
    integration: str
    on: bool
    secret_saved: bool
    address: str | None
    subscriptions: list[WebhookSubscription]
    missing: list[str]
    counts: list[DeliveryCounts]
    recent: list[WebhookDelivery]
    advice: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if not self.on:
            return "off"
        return "on" if not self.missing and self.secret_saved else "on, incomplete"


def webhook_status(store: Store, integration_id: int, name: str, config: IntegrationConfig, *,
                   now: datetime) -> WebhookStatus:
    with store.session() as session:
        subs = qbc_webhooks.subscriptions(session, integration_id)
        counts = qbc_webhooks.delivery_counts(session, integration_id, now - WINDOW)
        recent = qbc_webhooks.recent_deliveries(session, integration_id)
        secret = WEBHOOK_SECRET in configured_connectors(session, integration_id)
        session.expunge_all()
    on = config.webhooks == "on"
    registered = {sub.event for sub in subs}
    missing = [event for event in WANTED if event not in registered]
    option = "" if name == "default" else f" --integration {name}"
    advice = []
    if not on:
        advice.append(
            f"Webhooks are off: shipments are polled every {config.shipments_every_s:g} s and "
            f"stock every {config.inventory_every_s:g} s. For seconds instead: orderbridge "
            f"webhooks register --url https://<this hub's address>{option}")
    elif missing or not secret:
        advice.append("Some webhooks are missing: run orderbridge webhooks register --url "
                      f"https://<this hub's address>{option} again")
    else:
        advice.append(f"Polling still reads every {config.reconcile_every_s:g} s, to catch "
                      "what no webhook said.")
    late = [d for d in recent if d.processed_at is None and now - d.received_at > LATE]
    if late:
        advice.append(f"{len(late)} deliveries have waited over {LATE.seconds // 60} minutes: "
                      "is orderbridge sync (or the workers) running?")
    return WebhookStatus(name, on, secret, subs[0].address if subs else None, subs, missing,
                         counts, recent, advice)

