"""Where an integration's alerts go: the email and webhook channels, read from its settings
and its encrypted secrets (connectors "smtp" and "webhook" of `store.credentials`).

A channel that is half set up (an address but no mail server, a URL but no signing secret)
sends nothing and says what is missing, so the page can show it and the job can skip it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from orderbridge.crypto import SecretBox
from orderbridge.store.credentials import load_credentials
from orderbridge.workflows.integration_config import IntegrationConfig

ChannelName = Literal["email", "webhook"]
CHANNELS: tuple[ChannelName, ...] = ("email", "webhook")
PASSWORD_KEY = "password"
SECRET_KEY = "secret"


@dataclass(frozen=True)
class EmailChannel:
    """A mail server and who gets the alerts."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    starttls: bool
    sender: str
    recipients: list[str]


@dataclass(frozen=True)
class WebhookChannel:
    """A receiver and the secret every body is signed with."""

    url: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Channels:
    """The channels that can send, and why the others cannot (channel → what is missing)."""

    email: EmailChannel | None = None
    webhook: WebhookChannel | None = None
    missing: dict[ChannelName, str] = field(default_factory=dict)

    @property
    def active(self) -> list[ChannelName]:
        return [name for name in CHANNELS if getattr(self, name) is not None]


def channels_of(session: Session, box: SecretBox, integration_id: int,
                config: IntegrationConfig) -> Channels:
    """The integration's channels (its secrets decrypted with ``box``)."""
    missing: dict[ChannelName, str] = {}
    email = webhook = None
    if config.alert_email_to or config.smtp_host:
        if not config.alert_email_to:
            missing["email"] = "no address to send to: set alert_email_to"
        elif not config.smtp_host:
            missing["email"] = "no mail server: set smtp_host"
        else:
            stored = load_credentials(session, integration_id, "smtp", box)
            password = "" if stored is None else stored.values.get(PASSWORD_KEY, "")
            email = EmailChannel(config.smtp_host, config.smtp_port, config.smtp_user, password,
                                 config.smtp_starttls, sender_of(config),
                                 [a.strip() for a in config.alert_email_to.split(",")])
    if config.alert_webhook_url:
        stored = load_credentials(session, integration_id, "webhook", box)
        secret = "" if stored is None else stored.values.get(SECRET_KEY, "")
        if secret:
            webhook = WebhookChannel(config.alert_webhook_url, secret)
        else:
            missing["webhook"] = "no signing secret saved"
    return Channels(email, webhook, missing)


def sender_of(config: IntegrationConfig) -> str:
    """The From address: the one set, else the login if it is an address, else one at the
    mail server's domain."""
    if config.alert_email_from:
        return config.alert_email_from
    if "@" in config.smtp_user:
        return config.smtp_user
    return f"orderbridge@{config.smtp_host or 'localhost'}"
