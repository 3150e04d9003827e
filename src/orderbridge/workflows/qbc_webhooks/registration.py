"""Registering the hub's QBC webhooks, checking QBC still has them, and removing them.

QBC signs every delivery with the secret of the app the webhook belongs to (reference §7.7),
so the hub keeps that secret (encrypted, connector ``qbc_webhooks``): for an OAuth connection
it is the app's client secret; a privileged token's app secret must be given. The secret is
saved before the webhooks exist, so the first delivery already verifies.

QBC deletes a webhook that answered 410 or failed for three days; the ``webhooks`` job
(`check_webhooks`, every ``webhooks_every_s``, one call) registers such a webhook again, and
the polling reads at ``reconcile_every_s`` catch what was said while it was gone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from orderbridge.errors import UsageError
from orderbridge.store import integrations, qbc_webhooks
from orderbridge.store.credentials import WEBHOOK_SECRET, delete_credentials, save_credentials
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.qbc_tokens import is_oauth
from orderbridge.workflows.qbc_webhooks.events import WANTED
from orderbridge.workflows.qbc_webhooks.receive import SECRET_KEY
from orderbridge.workflows.stop import StopToken

log = logging.getLogger(__name__)
SETTING = "webhooks"
APP_SECRET_WHERE = "the app's page in QuickBooks Commerce (its SECRET)"


@dataclass
class Registration:
    """What registering did."""

    address: str
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: int = 0


def public_url_of(given: str) -> str:
    """An address of the hub, checked: QBC must be able to POST to it."""
    url = given.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(f"{given!r} is not an address QBC can deliver to; give the http(s) "
                         "address this hub's web app (orderbridge serve) is reached at, e.g. "
                         "https://hub.example.com")
    return url


def signing_secret(ctx: IntegrationContext, app_secret: str | None) -> str:
    """The secret QBC signs this integration's deliveries with."""
    if app_secret is not None and app_secret.strip():
        return app_secret.strip()
    values = ctx.credentials("qbc").values
    if is_oauth(values) and values.get("client_secret"):
        return values["client_secret"]
    raise UsageError("this QBC connection is a privileged token, so the hub does not know the "
                     "secret QBC signs webhooks with: give the app secret (from "
                     f"{APP_SECRET_WHERE}; --app-secret on the command line)")


def register_webhooks(ctx: IntegrationContext, address: str,
                      app_secret: str | None = None) -> Registration:
    """Register every wanted event at ``address`` (the web app's delivery route for this
    integration; those already there are kept) and turn the ``webhooks`` setting on."""
    secret = signing_secret(ctx, app_secret)
    address = public_url_of(address)
    with ctx.store.begin() as session:
        save_credentials(session, ctx.integration_id, WEBHOOK_SECRET, {SECRET_KEY: secret},
                         ctx.box)
        stored = qbc_webhooks.subscriptions(session, ctx.integration_id)
    result = Registration(address)
    remote = ctx.qbc.webhooks()
    for old in stored:  # registered at another address before: that one goes
        if old.address != address and any(hook.id == old.remote_id for hook in remote):
            ctx.qbc.delete_webhook(old.remote_id)
            result.removed += 1
    for event in WANTED:
        hook = next((hook for hook in remote if hook.event == event and hook.address == address),
                    None)
        if hook is None:
            hook = ctx.qbc.create_webhook(address, event)
            result.created.append(event)
        else:
            result.kept.append(event)
        with ctx.store.begin() as session:
            qbc_webhooks.save_subscription(session, ctx.integration_id, event, hook.id, address,
                                           at=ctx.clock.now())
    with ctx.store.begin() as session:
        integrations.set_setting(session, ctx.integration_id, SETTING, "on")
    log.info("%s: QBC webhooks registered at %s (%d new)", ctx.name, address,
             len(result.created))
    return result


def remove_webhooks(ctx: IntegrationContext) -> int:
    """Delete the hub's webhooks in QBC, forget them and the secret; polling alone from now
    on. The number deleted in QBC."""
    with ctx.store.session() as session:
        stored = qbc_webhooks.subscriptions(session, ctx.integration_id)
    deleted = sum(1 for sub in stored if ctx.qbc.delete_webhook(sub.remote_id))
    with ctx.store.begin() as session:
        qbc_webhooks.forget_subscriptions(session, ctx.integration_id)
        delete_credentials(session, ctx.integration_id, WEBHOOK_SECRET)
        integrations.delete_setting(session, ctx.integration_id, SETTING)
    return deleted


@dataclass
class WebhookCheck:
    """What one check of the registered webhooks found."""

    checked: int = 0
    renewed: int = 0
    """Webhooks QBC had deleted, registered again."""


def check_webhooks(ctx: IntegrationContext, stop: StopToken | None = None,
                   options: JobOptions | None = None) -> WebhookCheck:
    """The ``webhooks`` job: one read of QBC's webhooks; any of the hub's it no longer has is
    registered again. Nothing (and no call) while webhooks are off."""
    result = WebhookCheck()
    if ctx.config.webhooks != "on":
        return result
    with ctx.store.session() as session:
        stored = qbc_webhooks.subscriptions(session, ctx.integration_id)
    if not stored:
        return result
    remote = {hook.id: hook for hook in ctx.qbc.webhooks()}
    address = stored[0].address
    present = []
    for event in WANTED:
        sub = next((sub for sub in stored if sub.event == event), None)
        hook = remote.get(sub.remote_id) if sub is not None else None
        result.checked += 1
        if hook is not None and sub is not None and hook.address == sub.address:
            present.append(event)
            continue
        created = ctx.qbc.create_webhook(sub.address if sub else address, event)
        with ctx.store.begin() as session:
            qbc_webhooks.save_subscription(session, ctx.integration_id, event, created.id,
                                           created.address, at=ctx.clock.now(), renewed=True)
        log.warning("%s: QBC had deleted the %s webhook; registered it again", ctx.name, event)
        result.renewed += 1
    with ctx.store.begin() as session:
        qbc_webhooks.mark_checked(session, ctx.integration_id, present, at=ctx.clock.now())
    return result
