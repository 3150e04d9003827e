"""`orderbridge shipmethod map|list|remove`: what QBC gets for each Houzz shipping code.

Houzz orders carry a shipping option (STANDARD, EXPEDITED, CURBSIDE, INSIDE...) or none (the
`default_ship_code` setting then applies). Orders held for an unmapped code (with
`hold_unmapped_ship_codes true`) go at the next delivery run once the code is mapped.
"""

from __future__ import annotations

from typing import Annotated

import typer

from orderbridge.cli.common import (
    IntegrationOption,
    JsonOption,
    integration_for_setup,
    opened_store,
    reports_errors,
    require_integration,
    say,
    show_rows,
)
from orderbridge.errors import UsageError
from orderbridge.store import mappings

app = typer.Typer(help="Map Houzz shipping codes to what QuickBooks Commerce gets.",
                  no_args_is_help=True)

CodeArgument = Annotated[str, typer.Argument(help="Houzz shipping code, e.g. EXPEDITED.")]


@app.command("map")
@reports_errors
def shipmethod_map(code: CodeArgument,
                   value: Annotated[str, typer.Argument(help="What QBC gets for it.")],
                   integration: IntegrationOption = "default") -> None:
    """Map a Houzz shipping code (replacing an earlier mapping)."""
    with opened_store() as (_, store), store.begin() as session:
        row = integration_for_setup(session, integration)
        try:
            mappings.set_ship_method(session, row.id, code, value)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    say(f"{code.strip()} → {value.strip()}")


@app.command("list")
@reports_errors
def shipmethod_list(integration: IntegrationOption = "default",
                    as_json: JsonOption = False) -> None:
    """The whole ship-method map."""
    with opened_store() as (_, store), store.session() as session:
        mapped = mappings.ship_method_map(session, require_integration(session, integration).id)
    show_rows(f"Ship-method map of {integration!r}",
              [("houzz_code", "Houzz code"), ("value", "QBC gets")],
              list(mapped.items()), as_json=as_json)


@app.command("remove")
@reports_errors
def shipmethod_remove(code: CodeArgument, integration: IntegrationOption = "default") -> None:
    """Forget the mapping of a Houzz shipping code."""
    with opened_store() as (_, store), store.begin() as session:
        row = require_integration(session, integration)
        if not mappings.remove_ship_method(session, row.id, code):
            raise UsageError(f"{code!r} is not mapped; see: orderbridge shipmethod list")
    say(f"Removed the mapping of {code.strip()}.")
