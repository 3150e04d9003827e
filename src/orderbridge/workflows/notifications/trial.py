""""Send test": one test message through a channel, now, with the saved settings, and the
outcome in words. Nothing is marked notified; the alerts waiting are left for the job."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from orderbridge.crypto import SecretBox
from orderbridge.errors import OrderbridgeError
from orderbridge.store import Store, integrations
from orderbridge.workflows.integration_config import config_from_rows
from orderbridge.workflows.notifications import digest
from orderbridge.workflows.notifications.channels import ChannelName, channels_of
from orderbridge.workflows.notifications.mail import send_email
from orderbridge.workflows.notifications.webhook import post_webhook

NOT_SET_UP = {
    "email": "email is not set up: fill in the address to send to and the mail server, save, "
             "then send the test",
    "webhook": "the webhook is not set up: fill in its address and a signing secret, save, "
               "then send the test",
}


@dataclass(frozen=True)
class TrialOutcome:
    ok: bool
    message: str


def send_test(store: Store, box: SecretBox, integration_id: int, integration: str,
              channel: ChannelName) -> TrialOutcome:
    """Send a test message by ``channel`` with the integration's saved settings."""
    try:
        with store.session() as session:
            config = config_from_rows(integrations.all_settings(session, integration_id))
            channels = channels_of(session, box, integration_id, config)
        if channel == "email":
            if channels.email is None:
                return TrialOutcome(False, _not_set_up(channel, channels.missing.get(channel)))
            send_email(channels.email, f"[orderbridge] {integration}: test message",
                       digest.test_text(integration))
            where = ", ".join(channels.email.recipients)
            return TrialOutcome(True, f"Test email sent to {where} through "
                                      f"{channels.email.host}:{channels.email.port}.")
        if channels.webhook is None:
            return TrialOutcome(False, _not_set_up(channel, channels.missing.get(channel)))
        body = digest.json_body(integration, [], sent_at=datetime.now(UTC), test=True)
        post_webhook(channels.webhook, body, event="test", delivery=uuid.uuid4().hex)
        return TrialOutcome(True, f"Test call accepted by {channels.webhook.url}.")
    except OrderbridgeError as exc:
        return TrialOutcome(False, f"The test did not go: {exc}")


def _not_set_up(channel: ChannelName, missing: str | None) -> str:
    text = NOT_SET_UP[channel]
    return f"{text} ({missing})" if missing else text
