"""The Audit screen: ask for an audit of the chosen integration (from a date), see what it will
cost before it runs, watch it run, read what was checked and each discrepancy with its fix,
and repair with a button what the hub can repair. The work is `runtime.audits` (what
`orderbridge audit` does); it runs in the background (`web.audit_runs`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from orderbridge.errors import UsageError
from orderbridge.settings import Settings
from orderbridge.store import audits
from orderbridge.store.tables import Integration
from orderbridge.web.audit_runs import start_audits, start_repair
from orderbridge.web.auth import store_of
from orderbridge.web.choice import chosen_integration, integration_for_form
from orderbridge.web.pages import page_router
from orderbridge.web.templating import flash, render
from orderbridge.workflows.audit.budget import plan_calls
from orderbridge.workflows.audit.period import default_since
from orderbridge.workflows.audit.view import CHECKED_LABELS, audit_view
from orderbridge.workflows.context import opened_context
from orderbridge.workflows.integration_config import LARGEST_ID
from orderbridge.workflows.since import checked_day, start_of_day

router = page_router()
PAGE = "/audit"
Text = Annotated[str, Form()]
AuditId = Annotated[int, Path(ge=1, le=LARGEST_ID)]
"""An id the database can hold: a larger one is a 400 naming the field, not a failed query."""


def _settings(request: Request) -> Settings:
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    return settings


def _back(row: Integration | None) -> RedirectResponse:
    query = f"?{urlencode({'integration': row.name})}" if row is not None else ""
    return RedirectResponse(f"{PAGE}{query}", 303)


def _user_name(request: Request) -> str:
    user = getattr(request.state, "user", None)
    return str(getattr(user, "name", None) or "unknown")


@router.get(PAGE)
def audit_page(request: Request) -> Response:
    store = store_of(request)
    with store.session() as session:
        row = chosen_integration(request, session)
        if row is None:
            return render(request, "audit/page.html", integration=None)
        shown = [audit_view(audit) for audit in audits.recent(session, row.id, limit=10)]
    since = default_since()
    with opened_context(store, _settings(request), row.name) as ctx:
        plan = plan_calls(ctx, start_of_day(since))
    latest = shown[0] if shown else None
    return render(request, "audit/page.html", integration=row, latest=latest,
                  earlier=shown[1:], since=since.isoformat(), plan=plan,
                  labels=CHECKED_LABELS,
                  busy=latest is not None and latest.state in ("waiting", "running"))


@router.post(f"{PAGE}/run")
def run_audit(request: Request, since: Text = "") -> Response:
    row = integration_for_form(request)
    if row is None:
        return _back(row)
    try:
        day = checked_day(since) if since.strip() else default_since()
    except UsageError as exc:
        flash(request, f"{exc}.", "error")
        return _back(row)
    with store_of(request).begin() as session:
        audits.request_audit(session, row.id, start_of_day(day),
                             by=f"web: {_user_name(request)}", at=datetime.now(UTC))
    start_audits(request, row.name)
    flash(request, f"Audit of orders from {day.isoformat()} started; this page shows it when "
                   "it is done.")
    return _back(row)


@router.post(PAGE + "/{audit_id}/repair")
def repair_audit(request: Request, audit_id: AuditId, key: Text = "") -> Response:
    row = integration_for_form(request)
    if row is None:
        return _back(row)
    with store_of(request).session() as session:
        audit = audits.get_audit(session, row.id, audit_id)
        view = audit_view(audit) if audit is not None else None
    if view is None:
        flash(request, f"There is no audit {audit_id} for {row.name}.", "error")
        return _back(row)
    chosen = [d for d in view.repairable if not key or d.key == key]
    if not chosen:
        flash(request, "Nothing there the hub can repair.", "warn")
        return _back(row)
    start_repair(request, row.name, audit_id, key or None)
    jobs = sorted({d.repair.job for d in chosen if d.repair is not None})
    flash(request, f"Repairing {len(chosen)} discrepancies with the {', '.join(jobs)} "
                   "job(s); run the audit again to check.")
    return _back(row)
