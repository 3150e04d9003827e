"""Answering a QBC webhook delivery: within QBC's 10 s, and without trusting it before the
signature says it comes from the app (reference §7.7).

The order of checks, each with its answer:

1. no integration of that name, or one with no webhook secret (never registered, or removed):
   410 Gone, which makes QBC delete the webhook instead of retrying it for days;
2. a signature that does not sign the body as received with the app's secret: 401, nothing
   recorded (a forgery, or a body changed on the way);
3. no ``X-Gecko-Delivery`` id: 400;
4. a signed body older than ``STALE_AFTER`` (QBC gives up after three days): 401 (a replay of
   an old delivery);
5. a signed body that names no record, or an event the hub does not use: 200, logged, nothing
   recorded (QBC must not retry what can never be worked off);
6. a delivery id seen before: 200, nothing recorded again (QBC retries a delivery whose
   answer it did not get; the work is done once);
7. otherwise the delivery is recorded and the job that owns it is named, to be run at once.

Nothing is fetched from the body's ``resource_url``: the job reads the record by id from the
connected account, so a delivery can never point the hub at another host.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from orderbridge.connectors.qbc.webhooks import UnreadableDelivery, delivery_from, signed_by
from orderbridge.crypto import SecretBox, SecretKeyError
from orderbridge.store import integrations, qbc_webhooks
from orderbridge.store.credentials import WEBHOOK_SECRET, load_credentials
from orderbridge.store.migrate import Store
from orderbridge.store.tables import WebhookDelivery
from orderbridge.workflows.qbc_webhooks.events import JOB_OF

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=4)
MAX_DELIVERY_ID = WebhookDelivery.delivery_id.type.length or 100
SECRET_KEY = "app_secret"


@dataclass(frozen=True)
class Receipt:
    """The answer to give QBC, and the job to run now for a newly recorded delivery."""

    status: int
    message: str
    job: str | None = None


def receive(store: Store, box: SecretBox, integration: str, body: bytes, *,
            signature: str | None, delivery_id: str | None, now: datetime) -> Receipt:
    """Check, record and answer one delivery (see the module docstring for the order)."""
    with store.session() as session:
        row = integrations.get_integration(session, integration)
        if row is None:
            log.warning("QBC webhook for unknown integration %r answered 410 Gone",
                        integration[:80])
            return Receipt(410, "no such integration here; this webhook can be deleted")
        integration_id = row.id
        try:
            stored = load_credentials(session, integration_id, WEBHOOK_SECRET, box)
        except SecretKeyError:
            log.error("QBC webhook for %s: its secret cannot be decrypted with this key",
                      integration)
            return Receipt(503, "the hub cannot read its webhook secret; try again later")
    secret = stored.values.get(SECRET_KEY, "") if stored is not None else ""
    if not secret:
        log.warning("QBC webhook for %s, which has no webhooks registered: answered 410 Gone",
                    integration)
        return Receipt(410, "webhooks are not registered for this integration")
    if not signed_by(secret, body, signature):
        log.warning("QBC webhook for %s refused: the signature does not match the body",
                    integration)
        return Receipt(401, "the X-Gecko-Signature does not sign this body")
    if not delivery_id or len(delivery_id) > MAX_DELIVERY_ID:
        return Receipt(400, "an X-Gecko-Delivery id (up to 100 characters) is required")
    try:
        delivery = delivery_from(body)
    except UnreadableDelivery as exc:
        log.warning("QBC webhook %s for %s ignored: %s", delivery_id, integration, exc)
        return Receipt(200, f"ignored: {exc}")
    if delivery.timestamp is not None:
        sent = datetime.fromtimestamp(delivery.timestamp, UTC)
        if now - sent > STALE_AFTER:
            log.warning("QBC webhook %s for %s refused: sent %s, too long ago (a replay?)",
                        delivery_id, integration, sent.isoformat())
            return Receipt(401, "this delivery is older than QBC ever retries; refused")
    if delivery.event not in JOB_OF:
        log.info("QBC webhook %s for %s ignored: the hub does not use %s events",
                 delivery_id, integration, delivery.event)
        return Receipt(200, f"ignored: the hub does not use {delivery.event} events")
    with store.begin() as session:
        new = qbc_webhooks.record_delivery(session, integration_id, delivery_id,
                                           delivery.event, delivery.object_id, at=now)
    if not new:
        log.info("QBC webhook %s for %s was already received; nothing done again",
                 delivery_id, integration)
        return Receipt(200, "already received")
    log.info("QBC webhook %s for %s: %s %s", delivery_id, integration, delivery.event,
             delivery.object_id)
    return Receipt(200, "received", job=JOB_OF[delivery.event])
