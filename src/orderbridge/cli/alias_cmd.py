"""`orderbridge alias add|list|remove|import`: Houzz SKUs that stand for other QBC SKUs.

An order held for an unknown SKU is released by the next delivery run once an alias makes the
SKU known; nobody has to touch the order. `alias import` reads a CSV file (`channel_sku,
warehouse_sku`, header optional, UTF-8) and imports all of it or, if any line is wrong, none of
it: the error names the line. Like `config set`, both create the 'default' integration when
there is none yet, and another only with --create.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orderbridge.cli.common import (
    CreateOption,
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
from orderbridge.workflows.alias_csv import parse_alias_csv

app = typer.Typer(help="Map Houzz SKUs to different QuickBooks Commerce SKUs.",
                  no_args_is_help=True)

ChannelSku = Annotated[str, typer.Argument(help="The SKU as Houzz sends it.")]


@app.command("add")
@reports_errors
def alias_add(channel_sku: ChannelSku,
              warehouse_sku: Annotated[str, typer.Argument(help="The SKU in QBC.")],
              integration: IntegrationOption = "default", create: CreateOption = False) -> None:
    """Make a Houzz SKU stand for a QBC SKU (replacing an earlier alias)."""
    try:
        channel, warehouse = mappings.clean_alias(channel_sku, warehouse_sku)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with opened_store() as (_, store), store.begin() as session:
        row = integration_for_setup(session, integration, create=create)
        mappings.add_alias(session, row.id, channel, warehouse)
    say(f"{channel} → {warehouse}. Orders held for this SKU go at the next delivery run.")


@app.command("list")
@reports_errors
def alias_list(integration: IntegrationOption = "default", as_json: JsonOption = False) -> None:
    """Every alias of the integration."""
    with opened_store() as (_, store), store.session() as session:
        aliases = mappings.list_aliases(session, require_integration(session, integration).id)
    show_rows(f"SKU aliases of {integration!r}",
              [("channel_sku", "Houzz SKU"), ("warehouse_sku", "QBC SKU")],
              list(aliases.items()), as_json=as_json)


@app.command("remove")
@reports_errors
def alias_remove(channel_sku: ChannelSku, integration: IntegrationOption = "default") -> None:
    """Forget the alias of a Houzz SKU."""
    with opened_store() as (_, store), store.begin() as session:
        row = require_integration(session, integration)
        if not mappings.remove_alias(session, row.id, channel_sku):
            raise UsageError(f"there is no alias for {channel_sku!r}; see: orderbridge alias list")
    say(f"Removed the alias of {channel_sku.strip()}.")


@app.command("import")
@reports_errors
def alias_import(
    file: Annotated[Path, typer.Argument(help="CSV file: channel_sku,warehouse_sku per line.")],
    integration: IntegrationOption = "default",
    create: CreateOption = False,
) -> None:
    """Import aliases from a CSV file; a bad line imports nothing and names the line."""
    pairs = read_alias_csv(file)
    with opened_store() as (_, store), store.begin() as session:
        row = integration_for_setup(session, integration, create=create)
        before = mappings.list_aliases(session, row.id)
        count = mappings.import_aliases(session, row.id, pairs)
        after = mappings.list_aliases(session, row.id)
    added = len(after) - len(before)
    say(f"Imported {count} aliases from {file} ({added} new, {count - added} replaced or "
        "repeated).")


def read_alias_csv(path: Path) -> list[tuple[str, str]]:
    """The (channel_sku, warehouse_sku) pairs of the file (`workflows.alias_csv`); a
    `UsageError` naming the first bad line, before anything is imported."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_alias_csv(data, str(path))
