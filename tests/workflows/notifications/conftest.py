"""An integration whose alerts go to the test's mail server and webhook receiver, on a frozen
clock (so the batch window can be stepped through)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from orderbridge.clock import FrozenClock
from orderbridge.settings import Settings
from orderbridge.store import Store, alerts
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.notifications.settings import FIELDS, SettingsForm, save_settings
from tests.workflows.notifications.servers import (  # noqa: F401
    SIGNING_SECRET,
    Mailbox,
    Receiver,
    alert_mailbox_server,
    alert_receiver_server,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TO = "ops@shop.example, owner@shop.example"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def ctx(store: Store, settings: Settings, clock: FrozenClock) -> Iterator[IntegrationContext]:
    context = open_context(store, settings, "default", clock=clock, create=True)
    yield context
    context.close()


def configure(ctx: IntegrationContext, *, smtp: Mailbox | None = None,
              webhook_url: str = "", password: str = "", secret: str = SIGNING_SECRET,
              **values: str) -> None:
    """Save the notification settings as the screen does (`save_settings`)."""
    fields = dict.fromkeys(FIELDS, "")
    fields["smtp_starttls"] = "false"
    if smtp is not None:
        fields |= {"alert_email_to": TO, "smtp_host": smtp.host,
                   "smtp_port": str(smtp.port)}
    fields["alert_webhook_url"] = webhook_url
    fields |= values
    with ctx.store.begin() as session:
        save_settings(session, ctx.box, ctx.integration_id,
                      SettingsForm(fields, password, secret if webhook_url else ""))
    ctx.reload_config()


def raise_alert(ctx: IntegrationContext, kind: str, message: str) -> int:
    with ctx.store.begin() as session:
        return alerts.add_alert(session, ctx.integration_id, kind=kind, message=message,
                                at=ctx.clock.now()).id


def notified(ctx: IntegrationContext) -> dict[str, datetime | None]:
    with ctx.store.session() as session:
        rows = alerts.list_alerts(session, ctx.integration_id, active_only=False)
        return {row.kind: row.notified_at for row in rows}
