"""`orderbridge carrier map|list|remove`: which Houzz carrier code each QBC carrier name gets.

QBC's carrier (`tracking_company`) is free text typed by the warehouse; Houzz wants one of its
carrier codes. The common carriers and their usual spellings are mapped out of the box; a
merchant adds the rest here. Orders held for an unmapped carrier are confirmed to Houzz at the
next shipments run once their carrier is mapped.
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
from orderbridge.store import carrier_map
from orderbridge.workflows.mapping_fixes import carrier_spelling, remove_carrier
from orderbridge.workflows.shipments.carriers import (
    BUILT_IN,
    HOUZZ_CARRIER_CODES,
    carrier_key,
    known_code,
)

app = typer.Typer(help="Map QuickBooks Commerce carrier names to Houzz carrier codes.",
                  no_args_is_help=True)

NameArgument = Annotated[str, typer.Argument(
    help="The carrier as QBC names it (tracking_company), e.g. \"Speedy Freight\".")]
BuiltInOption = Annotated[bool, typer.Option(
    "--built-in", help="Also list the carriers mapped out of the box.")]


@app.command("map")
@reports_errors
def carrier_map_cmd(name: NameArgument,
                    code: Annotated[str, typer.Argument(
                        help=f"Houzz carrier code: {', '.join(HOUZZ_CARRIER_CODES)}.")],
                    integration: IntegrationOption = "default") -> None:
    """Map a QBC carrier name (any case, spaces, punctuation) to a Houzz carrier code."""
    spelled = carrier_spelling(code)
    with opened_store() as (_, store), store.begin() as session:
        row = integration_for_setup(session, integration)
        try:
            shown, spelled = carrier_map.clean_carrier(name, spelled)
            carrier_map.set_carrier(session, row.id, carrier_key(shown), shown, spelled)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    say(f"{name.strip()} → {spelled}")
    if known_code(spelled) is None:
        say(f"Note: {spelled} is not one of the Houzz carrier codes known to orderbridge "
            f"({', '.join(HOUZZ_CARRIER_CODES)}); Houzz may refuse it.", style="yellow")


@app.command("list")
@reports_errors
def carrier_list(integration: IntegrationOption = "default", built_in: BuiltInOption = False,
                 as_json: JsonOption = False) -> None:
    """The merchant's carrier map (and, with --built-in, the carriers mapped out of the box)."""
    with opened_store() as (_, store), store.session() as session:
        entries = carrier_map.list_carriers(session, require_integration(session,
                                                                          integration).id)
    rows = [(e.carrier_name, e.channel_code, "merchant") for e in entries]
    if built_in:
        rows += [(name, code, "built-in") for name, code in BUILT_IN.items()]
    caption = None if built_in else (
        "The common carriers (UPS, FedEx, USPS, DHL, OnTrac, LaserShip, Purolator, Canada "
        "Post...) are mapped out of the box: --built-in")
    show_rows(f"Carrier map of {integration!r}", [("qbc_carrier", "QBC carrier"),
              ("houzz_code", "Houzz code"), ("source", "source")], rows, as_json=as_json,
              caption=caption)


@app.command("remove")
@reports_errors
def carrier_remove(name: NameArgument, integration: IntegrationOption = "default") -> None:
    """Forget the merchant's mapping of a QBC carrier name."""
    with opened_store() as (_, store), store.begin() as session:
        row = require_integration(session, integration)
        try:
            removed = remove_carrier(session, row.id, name)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if not removed:
            raise UsageError(f"{name.strip()!r} is not in the carrier map; see: orderbridge "
                             "carrier list")
    say(f"Removed the mapping of {name.strip()}.")
