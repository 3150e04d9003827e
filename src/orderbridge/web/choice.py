"""Which integration a screen shows: ``?integration=NAME``, else the one chosen last in this
session, else ``default`` (or the first there is). One deployment may hold many merchants."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from orderbridge.store import integrations
from orderbridge.store.integrations import DEFAULT_INTEGRATION
from orderbridge.store.tables import Integration
from orderbridge.web.auth import store_of
from orderbridge.web.templating import flash

_KEY = "integration"
NO_INTEGRATION = "There is no integration yet: connect Houzz and QuickBooks Commerce first."


def chosen_integration(request: Request, session: Session) -> Integration | None:
    """The integration to show (remembered for the session), or None if there is none yet."""
    wanted = request.query_params.get(_KEY) or request.session.get(_KEY) or DEFAULT_INTEGRATION
    row = integrations.get_integration(session, str(wanted))
    if row is None:
        known = integrations.list_integrations(session)
        row = next((i for i in known if i.name == DEFAULT_INTEGRATION), known[0] if known
                   else None)
    if row is not None:
        request.session[_KEY] = row.name
    request.state.integration_names = [i.name for i in integrations.list_integrations(session)]
    request.state.integration = row
    return row


def integration_for_form(request: Request) -> Integration | None:
    """The integration a posted form is for; None (and a flash saying why) when there is
    none."""
    with store_of(request).session() as session:
        row = chosen_integration(request, session)
    if row is None:
        flash(request, NO_INTEGRATION, "error")
    return row
