"""The mappings screen: SKU aliases (with CSV import and export), the ship-method map and the
carrier map, each listed with add and remove. Adding goes through `workflows.mapping_fixes`
(the CLI's store functions, then the release of the orders the mapping unblocked); a CSV file
is read by `workflows.alias_csv`, the reader of `orderbridge alias import`: all of it or, if a
line is wrong, none of it, the error naming the line.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, UploadFile
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from orderbridge.errors import UsageError
from orderbridge.store import carrier_map, mappings
from orderbridge.web.auth import store_of
from orderbridge.web.choice import chosen_integration
from orderbridge.web.fixing import chosen_row, fixing
from orderbridge.web.pages import page_router
from orderbridge.web.templating import flash, render
from orderbridge.workflows import mapping_fixes
from orderbridge.workflows.alias_csv import alias_csv, parse_alias_csv
from orderbridge.workflows.mapping_fixes import FixResult
from orderbridge.workflows.shipments.carriers import BUILT_IN, HOUZZ_CARRIER_CODES

router = page_router()

Text = Annotated[str, Form(max_length=2000)]
IMPORT_LIMIT = 2 * 1024 * 1024
"""Largest CSV file read (some 40,000 aliases)."""


def mappings_page(request: Request, status_code: int = 200,
                  errors: dict[str, str] | None = None,
                  typed: dict[str, str] | None = None) -> Response:
    with store_of(request).session() as session:
        row = chosen_integration(request, session)
        aliases: dict[str, str] = {}
        ship_methods: dict[str, str] = {}
        carriers: list[carrier_map.CarrierEntry] = []
        if row is not None:
            aliases = mappings.list_aliases(session, row.id)
            ship_methods = mappings.ship_method_map(session, row.id)
            carriers = carrier_map.list_carriers(session, row.id)
    return render(request, "mappings/index.html", status_code=status_code, integration=row,
                  aliases=aliases, ship_methods=ship_methods, carriers=carriers,
                  built_in=BUILT_IN, carrier_codes=HOUZZ_CARRIER_CODES,
                  errors=errors or {}, typed=typed or {})


@router.get("/mappings")
def mappings_screen(request: Request) -> Response:
    return mappings_page(request)


def _added(request: Request, result: FixResult) -> Response:
    released = len(result.released)
    flash(request, f"{result.fix}." + (f" It released {released} held order"
                                       f"{'' if released == 1 else 's'}." if released else ""))
    if result.note:
        flash(request, result.note, "warn")
    return RedirectResponse("/mappings", 303)


def _removed(request: Request, removed: bool, what: str) -> Response:
    flash(request, f"Removed {what}." if removed else f"{what} was not mapped (any more).",
          "ok" if removed else "warn")
    return RedirectResponse("/mappings", 303)


@router.post("/mappings/aliases")
def add_alias(request: Request, channel_sku: Text, warehouse_sku: Text) -> Response:
    try:
        with fixing(request, chosen_row(request).name) as ctx:
            result = mapping_fixes.add_alias(ctx, channel_sku, warehouse_sku)
    except (ValueError, UsageError) as exc:
        return mappings_page(request, 400, {"alias": str(exc)},
                             {"channel_sku": channel_sku, "warehouse_sku": warehouse_sku})
    return _added(request, result)


@router.post("/mappings/aliases/remove")
def remove_alias(request: Request, channel_sku: Text) -> Response:
    row = chosen_row(request)
    with store_of(request).begin() as session:
        removed = mappings.remove_alias(session, row.id, channel_sku)
    return _removed(request, removed, f"the alias of {channel_sku.strip()}")


@router.post("/mappings/aliases/import")
async def import_aliases(request: Request, file: UploadFile) -> Response:
    data = await file.read(IMPORT_LIMIT + 1)
    name = (file.filename or "the file")[:200]
    try:
        if len(data) > IMPORT_LIMIT:
            raise UsageError(f"{name} is larger than {IMPORT_LIMIT // (1024 * 1024)} MB; "
                             "split it; nothing was imported")
        pairs = parse_alias_csv(data, name)
        with fixing(request, chosen_row(request).name) as ctx:
            done = mapping_fixes.import_aliases(ctx, pairs)
    except (ValueError, UsageError) as exc:
        return mappings_page(request, 400, {"import": str(exc)})
    released = len(done.result.released)
    flash(request, f"Imported {done.count} aliases from {name} ({done.added} new, "
                   f"{done.count - done.added} replaced or repeated)."
          + (f" They released {released} held order{'' if released == 1 else 's'}."
             if released else ""))
    return RedirectResponse("/mappings", 303)


@router.get("/mappings/aliases.csv")
def export_aliases(request: Request) -> Response:
    row = chosen_row(request)
    with store_of(request).session() as session:
        text = alias_csv(mappings.list_aliases(session, row.id))
    return PlainTextResponse(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="aliases-{row.name}.csv"'})


@router.post("/mappings/ship-methods")
def map_ship_method(request: Request, code: Text, value: Text) -> Response:
    try:
        with fixing(request, chosen_row(request).name) as ctx:
            result = mapping_fixes.map_ship_code(ctx, code, value)
    except (ValueError, UsageError) as exc:
        return mappings_page(request, 400, {"ship_method": str(exc)},
                             {"code": code, "value": value})
    return _added(request, result)


@router.post("/mappings/ship-methods/remove")
def remove_ship_method(request: Request, code: Text) -> Response:
    row = chosen_row(request)
    with store_of(request).begin() as session:
        removed = mappings.remove_ship_method(session, row.id, code)
    return _removed(request, removed, f"the mapping of {code.strip()}")


@router.post("/mappings/carriers")
def map_carrier(request: Request, name: Text, code: Text) -> Response:
    try:
        with fixing(request, chosen_row(request).name) as ctx:
            result = mapping_fixes.map_carrier(ctx, name, code)
    except (ValueError, UsageError) as exc:
        return mappings_page(request, 400, {"carrier": str(exc)}, {"name": name, "code": code})
    return _added(request, result)


@router.post("/mappings/carriers/remove")
def remove_carrier(request: Request, name: Text) -> Response:
    row = chosen_row(request)
    try:
        with store_of(request).begin() as session:
            removed = mapping_fixes.remove_carrier(session, row.id, name)
    except ValueError as exc:
        return mappings_page(request, 400, {"carrier": str(exc)})
    return _removed(request, removed, f"the mapping of {name.strip()}")
