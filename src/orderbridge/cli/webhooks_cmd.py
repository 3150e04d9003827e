"""`orderbridge webhooks register|status|remove`: QuickBooks Commerce tells the hub at once
when something ships or stock changes, instead of waiting for the next poll.

QBC delivers to this hub's web app (`orderbridge serve`), so it must be reachable from the
internet at the address given with --url (the public address behind your TLS proxy).
"""

from __future__ import annotations

from typing import Annotated

import typer

from orderbridge.cli.common import (
    IntegrationOption,
    JsonOption,
    opened_store,
    print_json,
    reports_errors,
    say,
    show_rows,
    when,
)
from orderbridge.store.tables.columns import utcnow
from orderbridge.web.qbc_webhook_route import delivery_address
from orderbridge.workflows.context import IntegrationContext, opened_context
from orderbridge.workflows.qbc_webhooks.registration import (
    APP_SECRET_WHERE,
    register_webhooks,
    remove_webhooks,
)
from orderbridge.workflows.qbc_webhooks.status import WebhookStatus, webhook_status

APP_SECRET_ENV = "ORDERBRIDGE_QBC_APP_SECRET"

app = typer.Typer(help="QuickBooks Commerce webhooks: tracking and stock in seconds.",
                  no_args_is_help=True)


@app.command("register")
@reports_errors
def register(
    url: Annotated[str, typer.Option(
        help="The address QBC reaches this hub's web app at, e.g. https://hub.example.com.")],
    app_secret: Annotated[str | None, typer.Option(
        envvar=APP_SECRET_ENV, show_envvar=True,
        help=f"The QBC app's secret, which signs the deliveries ({APP_SECRET_WHERE}); not "
        "needed for a connection made by OAuth.")] = None,
    integration: IntegrationOption = "default",
) -> None:
    """Register the webhooks (shipments, stock, orders made in QBC) and turn them on."""
    with opened_store() as (settings, store), \
            opened_context(store, settings, integration) as ctx:
        done = register_webhooks(ctx, delivery_address(url, integration), app_secret)
    say(f"QuickBooks Commerce delivers to {done.address}", style="green")
    for event in done.created:
        say(f"  {event}: registered")
    for event in done.kept:
        say(f"  {event}: already registered")
    if done.removed:
        say(f"  {done.removed} webhook(s) at an earlier address removed")
    say("Shipments and stock are now polled only every reconcile_every_s, as a safety net. "
        "Keep orderbridge serve running (it receives the deliveries).")


@app.command("remove")
@reports_errors
def remove(integration: IntegrationOption = "default") -> None:
    """Delete the webhooks in QBC; polling alone from now on."""
    with opened_store() as (settings, store), \
            opened_context(store, settings, integration) as ctx:
        deleted = remove_webhooks(ctx)
    say(f"Removed {deleted} webhook(s) in QuickBooks Commerce; shipments and stock are polled "
        "on their own schedules again.")


@app.command("status")
@reports_errors
def status(integration: IntegrationOption = "default", as_json: JsonOption = False) -> None:
    """What is registered, what arrived in the last 24 hours, and what to do."""
    with opened_store() as (settings, store), \
            opened_context(store, settings, integration) as ctx:
        shown = _status(ctx)
    if as_json:
        print_json(_document(shown))
        return
    say(f"Webhooks of {integration!r}: {shown.state}"
        + (f", delivered to {shown.address}" if shown.address else ""))
    if shown.subscriptions:
        show_rows("Registered in QuickBooks Commerce",
                  [("event", "event"), ("qbc_id", "QBC id"), ("registered", "registered"),
                   ("checked", "last checked"), ("renewals", "registered again")],
                  [(s.event, str(s.remote_id), when(s.registered_at), when(s.checked_at),
                    str(s.renewals)) for s in shown.subscriptions], as_json=False)
    if shown.counts:
        show_rows("Received in the last 24 hours",
                  [("event", "event"), ("received", "received"), ("pending", "waiting"),
                   ("last", "last received")],
                  [(c.event, str(c.received), str(c.pending), when(c.last_received_at))
                   for c in shown.counts], as_json=False)
    for line in shown.advice:
        say(line)


def _status(ctx: IntegrationContext) -> WebhookStatus:
    return webhook_status(ctx.store, ctx.integration_id, ctx.name, ctx.config, now=utcnow())


def _document(shown: WebhookStatus) -> dict[str, object]:
    return {
        "integration": shown.integration, "state": shown.state, "address": shown.address,
        "secret_saved": shown.secret_saved, "missing": shown.missing,
        "subscriptions": [{"event": s.event, "qbc_id": s.remote_id,
                           "registered_at": when(s.registered_at),
                           "checked_at": when(s.checked_at), "renewals": s.renewals}
                          for s in shown.subscriptions],
        "received_24h": [{"event": c.event, "received": c.received, "pending": c.pending,
                          "last_received_at": when(c.last_received_at)} for c in shown.counts],
        "recent": [{"event": d.event, "object_id": d.object_id,
                    "received_at": when(d.received_at), "processed_at": when(d.processed_at),
                    "outcome": d.outcome} for d in shown.recent],
        "advice": shown.advice,
    }
