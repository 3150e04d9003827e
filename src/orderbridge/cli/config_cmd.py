"""`orderbridge config set|show|unset`: an integration's settings, validated on the way in.

Every key, its default and what it does come from `IntegrationConfig`, so a setting added there
shows up here with no CLI change. `config show` also shows the connections (secrets masked),
whether the integration is paused, and the stored values that run at their default because
they are not allowed (any more).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session
from typer.core import TyperCommand, TyperOption

from orderbridge.cli.common import (
    CreateOption,
    IntegrationOption,
    JsonOption,
    console,
    integration_for_setup,
    opened_store,
    print_json,
    reports_errors,
    require_integration,
    say,
)
from orderbridge.crypto import SecretBox
from orderbridge.errors import UsageError
from orderbridge.runtime.jobs import JOBS
from orderbridge.runtime.schedules import every_s
from orderbridge.store import integrations
from orderbridge.store.credentials import CONNECTORS, load_credentials
from orderbridge.store.integrations import DEFAULT_INTEGRATION
from orderbridge.store.tables import Integration
from orderbridge.workflows.integration_config import (
    IntegrationConfig,
    config_from_rows,
    config_problems,
    describe,
)
from orderbridge.workflows.integration_config import validated_value as checked
from orderbridge.workflows.payload_masking import masked
from orderbridge.workflows.qbc_budget import PER_HOUR, schedule_cost

app = typer.Typer(help="Show and change an integration's settings.", no_args_is_help=True)

KeyArgument = Annotated[str, typer.Argument(help="Setting name (see: orderbridge config show).")]


class _NegativeNumbersAreValues(TyperCommand):
    """`config set window_overlap_hours -1` must reach the validation (which says what is
    allowed), not be read as an unknown option `-1` (or `-inf` as `-i nf`): a negative number
    among the arguments, unless it is an option's value, is moved after `--`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        valued = {name for param in self.params
                  if isinstance(param, TyperOption) and not param.is_flag for name in param.opts}
        end = args.index("--") if "--" in args else len(args)
        kept: list[str] = []
        numbers: list[str] = []
        for index, arg in enumerate(args[:end]):
            value_of_option = index > 0 and args[index - 1] in valued
            (numbers if _negative_number(arg) and not value_of_option else kept).append(arg)
        if numbers:
            args = [*kept, "--", *numbers, *args[end + 1:]]
        return super().parse_args(ctx, args)


def _negative_number(arg: str) -> bool:
    try:
        float(arg)
    except ValueError:
        return False
    return arg.startswith("-")


@app.command("set", cls=_NegativeNumbersAreValues)
@reports_errors
def config_set(key: KeyArgument,
               value: Annotated[str, typer.Argument(help="New value.")],
               integration: IntegrationOption = "default",
               create: CreateOption = False) -> None:
    """Change a setting (e.g. `config set delivery preview`).

    The 'default' integration is created by its first setting; another integration must exist
    (see: orderbridge integrations) or be created here with --create.
    """
    with opened_store() as (_, store), store.begin() as session:
        row = integration_for_setup(session, integration, create=create)
        text = checked(integrations.all_settings(session, row.id), key, value.strip())
        integrations.set_setting(session, row.id, key, text)
    say(f"{key} = {text} (integration {integration!r})")


@app.command("unset")
@reports_errors
def config_unset(key: KeyArgument, integration: IntegrationOption = "default") -> None:
    """Forget a setting: it goes back to its default."""
    if key not in IntegrationConfig.model_fields:
        raise UsageError(f"unknown setting {key!r}; see: orderbridge config show")
    with opened_store() as (_, store), store.begin() as session:
        row = require_integration(session, integration)
        removed = integrations.delete_setting(session, row.id, key)
    default = dict((name, default) for name, default, _ in describe())[key]
    state = "back to its default" if removed else "was not set; it stays at its default"
    say(f"{key} {state} ({default or 'unset'})")


@app.command("show")
@reports_errors
def config_show(integration: IntegrationOption = "default", as_json: JsonOption = False) -> None:
    """Every setting with its value, default and meaning; connections with secrets masked."""
    with opened_store() as (settings, store), store.session() as session:
        row = require_integration(session, integration)
        document = _document(session, row, SecretBox.from_settings(settings))
    if as_json:
        print_json(document)
        return
    for problem in document["problems"]:
        console(stderr=True).print(Text(f"Warning: {problem}", style="yellow"))
    out = console()
    paused = (f"PAUSED: {document['paused_reason']} (fix it, then orderbridge resume)"
              if document["paused"] else "running")
    out.print(Text(f"Integration {integration!r}: {paused}",
                   style="red" if document["paused"] else "green"))
    connections = Table(title="Connections")
    for column in ("side", "base URL", "credentials"):
        connections.add_column(column)
    for side, info in document["connections"].items():
        if info is None:
            connections.add_row(side, "", Text(f"not connected: orderbridge connect {side}"))
        else:
            shown = ", ".join(f"{k}={v}" for k, v in info["credentials"].items())
            connections.add_row(side, Text(info["base_url"] or ""), Text(shown))
    out.print(connections)
    out.print(_budget_table(document["qbc_budget"]))
    table = Table(title="Settings (orderbridge config set KEY VALUE)")
    for column in ("key", "value", "default", "description"):
        table.add_column(column)
    for key, item in document["settings"].items():
        value = Text(item["value"], style="bold" if item["set"] else "dim")
        table.add_row(key, value, Text(item["default"]), Text(item["description"]))
    out.print(table)


def _document(session: Session, row: Integration, box: SecretBox) -> dict[str, Any]:
    rows = integrations.all_settings(session, row.id)
    effective = config_from_rows(rows)
    problems = config_problems(rows, None if row.name == DEFAULT_INTEGRATION else row.name)
    settings = {}
    for key, default, description in describe():
        value = getattr(effective, key)
        settings[key] = {"value": "" if value is None else str(value), "default": default,
                         "set": key in rows, "description": description}
    connections: dict[str, Any] = {}
    for connector in CONNECTORS:
        stored = load_credentials(session, row.id, connector, box)
        connections[connector] = None if stored is None else {
            "base_url": stored.base_url,
            "credentials": masked(stored.values),  # OAuth: access, refresh, client secret
            "updated_at": stored.updated_at.isoformat(),
        }
    costs = [schedule_cost(session, row.id, job, every_s(effective, job)) for job in JOBS]
    budget = [{"job": cost.job, "every_s": cost.every_s, "calls_per_run": cost.calls_per_run,
               "calls_per_hour": cost.calls_per_hour, "share_of_budget": cost.share}
              for cost in costs]
    return {"integration": row.name, "paused": row.paused, "paused_reason": row.paused_reason,
            "connections": connections, "settings": settings, "problems": problems,
            "qbc_budget": budget}


def _budget_table(rows: list[dict[str, Any]]) -> Table:
    """What each job's schedule costs of the QBC budget (3,600 calls an hour)."""
    table = Table(title=f"QBC budget by schedule ({PER_HOUR:,} calls an hour; from the last "
                        "runs of each job)")
    for column in ("job", "every", "QBC calls per run", "calls per hour", "of the budget"):
        table.add_column(column)
    total = 0.0
    for row in rows:
        if row["calls_per_run"] is None:
            table.add_row(row["job"], f"{row['every_s']:g} s", "not measured yet", "", "")
            continue
        total += row["calls_per_hour"]
        table.add_row(row["job"], f"{row['every_s']:g} s", f"{row['calls_per_run']:.1f}",
                      f"{row['calls_per_hour']:,.0f}", f"{100 * row['share_of_budget']:.1f} %")
    table.add_row("all", "", "", f"{total:,.0f}", f"{100 * total / PER_HOUR:.1f} %",
                  style="bold")
    return table
