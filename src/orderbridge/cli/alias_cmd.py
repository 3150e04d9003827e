"""`orderbridge alias add|list|remove|import`: Houzz SKUs that stand for other QBC SKUs.

An order held for an unknown SKU is released by the next delivery run once an alias makes the
SKU known; nobody has to touch the order. `alias import` reads a CSV file (`channel_sku,
warehouse_sku`, header optional, UTF-8) and imports all of it or, if any line is wrong, none of
it: the error names the line. Like `config set`, both create the 'default' integration when
there is none yet, and another only with --create.
"""

from __future__ import annotations

import csv
import io
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

app = typer.Typer(help="Map Houzz SKUs to different QuickBooks Commerce SKUs.",
                  no_args_is_help=True)

ChannelSku = Annotated[str, typer.Argument(help="The SKU as Houzz sends it.")]
_HEADER_NAMES = {"channel_sku", "houzz_sku", "sku"}


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
    """The (channel_sku, warehouse_sku) pairs of the file, each checked as `alias add` checks
    it; a `UsageError` naming the first bad line, before anything is imported."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UsageError(f"{path} line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                         "save the file as UTF-8 (in Excel: CSV UTF-8); nothing was "
                         "imported") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    pairs: list[tuple[str, str]] = []
    line = 0
    try:
        for cells in reader:
            first, line = line + 1, reader.line_num
            pair = _alias_line(path, first, [cell.strip() for cell in cells])
            if pair is not None:
                pairs.append(pair)
    except csv.Error as exc:
        hint = ("a quote opened and never closed" if "end of data" in str(exc) else
                'a quote inside a quoted SKU is written twice: ""')
        raise UsageError(f"{path} line {line + 1}: {exc} ({hint}); nothing was "
                         "imported") from None
    if not pairs:
        raise UsageError(f"{path} holds no aliases (one channel_sku,warehouse_sku per line)")
    return pairs


def _alias_line(path: Path, line: int, cells: list[str]) -> tuple[str, str] | None:
    """The pair on one line; None for a blank line or the header."""
    while cells and not cells[-1]:
        cells.pop()
    if not cells or (line == 1 and cells[0].lower() in _HEADER_NAMES):
        return None
    if len(cells) != 2 or not all(cells):
        shown = ",".join(cells)
        raise UsageError(f"{path} line {line}: expected channel_sku,warehouse_sku, got "
                         f"{shown[:80]!r}; nothing was imported")
    try:
        return mappings.clean_alias(cells[0], cells[1])
    except ValueError as exc:
        raise UsageError(f"{path} line {line}: {exc}; nothing was imported") from None
