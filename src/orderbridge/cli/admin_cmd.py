"""`orderbridge integrations`, `orderbridge resume` and `orderbridge db upgrade`: the operator's
view of the deployment — which integrations exist and how they are doing, getting a paused one
running again, and bringing the database to the current schema.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import make_url

from orderbridge.cli.common import (
    IntegrationOption,
    JsonOption,
    console,
    opened_store,
    print_json,
    reports_errors,
    require_integration,
    say,
)
from orderbridge.store import integrations, orders
from orderbridge.store.credentials import configured_connectors
from orderbridge.store.migrate import current_revision, head_revision
from orderbridge.workflows import connect

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


@reports_errors
def list_integrations(as_json: JsonOption = False) -> None:
    """Every integration: connected sides, paused state, orders by status."""
    with opened_store() as (_, store), store.session() as session:
        rows: list[dict[str, Any]] = []
        for row in integrations.list_integrations(session):
            counts = orders.count_by_status(session, row.id)
            rows.append({"name": row.name,
                         "connected": list(configured_connectors(session, row.id)),
                         "paused": row.paused, "paused_reason": row.paused_reason,
                         "orders": {status.value: n for status, n in counts.items() if n}})
    if as_json:
        print_json(rows)
        return
    if not rows:
        say("No integration yet: orderbridge connect houzz ... and orderbridge connect qbc ...")
        return
    table = Table(title="Integrations")
    for column in ("name", "connected", "state", "orders"):
        table.add_column(column)
    for item in rows:
        state = (Text(f"paused: {item['paused_reason']}", style="red") if item["paused"]
                 else Text("running", style="green"))
        shown = ", ".join(f"{status} {n}" for status, n in item["orders"].items()) or "none"
        table.add_row(Text(item["name"]), ", ".join(item["connected"]) or "nothing", state,
                      shown)
    console().print(table)


@reports_errors
def resume(integration: IntegrationOption = "default") -> None:
    """Let a paused integration run again (after fixing what paused it)."""
    with opened_store() as (_, store), store.begin() as session:
        row = require_integration(session, integration)
        reason = row.paused_reason
        if not connect.resume(session, row):
            say(f"Integration {integration!r} is not paused.")
            return
    say(f"Integration {integration!r} resumed (it was paused: {reason}).", style="green")


@db_app.command("upgrade")
@reports_errors
def db_upgrade() -> None:
    """Bring the database to this version's schema (also done on first use)."""
    with opened_store() as (settings, store):
        revision = current_revision(store.engine)
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    head = " (current)" if revision == head_revision() else ""
    say(f"Database {shown} is at revision {revision}{head}.")
