"""The notifications screen: where alerts go (email, webhook) and how they are batched, a "Send
test" per channel, and the alerts sent lately. The work is `workflows.notifications`'."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from orderbridge.crypto import SecretBox
from orderbridge.store import alerts
from orderbridge.store.tables import Integration
from orderbridge.web.auth import store_of
from orderbridge.web.choice import chosen_integration, integration_for_form
from orderbridge.web.pages import page_router
from orderbridge.web.templating import flash, render
from orderbridge.workflows.notifications.batch import URGENT_KINDS
from orderbridge.workflows.notifications.channels import ChannelName
from orderbridge.workflows.notifications.settings import (
    FIELDS,
    SettingsForm,
    SettingsRefused,
    save_settings,
    settings_of,
)
from orderbridge.workflows.notifications.trial import send_test

router = page_router()
TEMPLATE = "notifications/page.html"
Text = Annotated[str, Form()]


def _box(request: Request) -> SecretBox:
    return SecretBox.from_settings(request.app.state.settings)


def _page(request: Request, session: Session, row: Integration | None, *, status: int = 200,
          errors: dict[str, str] | None = None, entered: dict[str, str] | None = None
          ) -> Response:
    if row is None:
        return render(request, TEMPLATE, status_code=status, integration=None)
    view = settings_of(session, _box(request), row.id)
    values = {**view.values, **(entered or {})}
    return render(request, TEMPLATE, status_code=status, integration=row, view=view,
                  values=values, errors=errors or {}, urgent_kinds=URGENT_KINDS,
                  recent=alerts.notified_alerts(session, row.id, limit=50))


def _back(row: Integration | None) -> RedirectResponse:
    query = f"?integration={row.name}" if row is not None else ""
    return RedirectResponse(f"/notifications{query}", 303)


@router.get("/notifications")
def notifications(request: Request) -> Response:
    with store_of(request).session() as session:
        return _page(request, session, chosen_integration(request, session))


@router.post("/notifications")
def save(request: Request, alert_email_to: Text = "", alert_email_from: Text = "",
         smtp_host: Text = "", smtp_port: Text = "", smtp_user: Text = "",
         smtp_starttls: Text = "", alert_webhook_url: Text = "", alert_batch_minutes: Text = "",
         smtp_password: Text = "", webhook_secret: Text = "",
         forget_smtp_password: Text = "", forget_webhook_secret: Text = "") -> Response:
    entered = {"alert_email_to": alert_email_to, "alert_email_from": alert_email_from,
               "smtp_host": smtp_host, "smtp_port": smtp_port, "smtp_user": smtp_user,
               "smtp_starttls": "true" if smtp_starttls else "false",
               "alert_webhook_url": alert_webhook_url,
               "alert_batch_minutes": alert_batch_minutes}
    assert set(entered) == set(FIELDS)
    form = SettingsForm(entered, smtp_password, webhook_secret,
                        forget_smtp_password=bool(forget_smtp_password),
                        forget_webhook_secret=bool(forget_webhook_secret))
    store = store_of(request)
    row = integration_for_form(request)
    if row is None:
        return _back(row)
    try:
        with store.begin() as session:
            save_settings(session, _box(request), row.id, form)
    except SettingsRefused as refused:
        with store.session() as session:
            return _page(request, session, row, status=400, errors=refused.errors,
                         entered=entered)
    flash(request, "Notification settings saved.")
    return _back(row)


def _test(request: Request, channel: ChannelName) -> Response:
    store = store_of(request)
    row = integration_for_form(request)
    if row is None:
        return _back(row)
    outcome = send_test(store, _box(request), row.id, row.name, channel)
    flash(request, outcome.message, "ok" if outcome.ok else "error")
    return _back(row)


@router.post("/notifications/test-email")
def test_email(request: Request) -> Response:
    return _test(request, "email")


@router.post("/notifications/test-webhook")
def test_webhook(request: Request) -> Response:
    return _test(request, "webhook")
