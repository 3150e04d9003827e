"""The alerts screen: held orders grouped by what would release them, each group with its fix
in place (add an alias, map a shipping code, map a carrier; else release the hold once fixed
elsewhere), the other open alerts, and the last fixes with the count of orders each released.

The fixes are `workflows.mapping_fixes`: the store functions the CLI uses, then the release of
the orders they unblocked, so the next run sends them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from orderbridge.errors import UsageError
from orderbridge.store import alerts, integrations
from orderbridge.web.auth import store_of
from orderbridge.web.choice import chosen_integration
from orderbridge.web.fixing import chosen_row, fixing
from orderbridge.web.pages import page_router
from orderbridge.web.templating import flash, render
from orderbridge.workflows import mapping_fixes
from orderbridge.workflows.alert_groups import held_groups
from orderbridge.workflows.integration_config import config_from_rows
from orderbridge.workflows.mapping_fixes import FixResult
from orderbridge.workflows.shipments.carriers import HOUZZ_CARRIER_CODES

router = page_router()

FIELD_LIMIT = 2000
"""Longest form value read (the store says, in words, what fits in each column)."""
Text = Annotated[str, Form(max_length=FIELD_LIMIT)]
RESOLVED_SHOWN = 50


def alerts_page(request: Request, status_code: int = 200,
                errors: dict[str, str] | None = None,
                typed: dict[str, str] | None = None) -> Response:
    with store_of(request).session() as session:
        row = chosen_integration(request, session)
        groups, others, resolved = [], [], []
        if row is not None:
            config = config_from_rows(integrations.all_settings(session, row.id))
            groups = held_groups(session, row.id, config)
            in_groups = {order.id for group in groups for order in group.orders}
            others = [alert for alert in alerts.list_alerts(session, row.id)
                      if alert.order_id is None or alert.order_id not in in_groups]
            resolved = alerts.list_resolved(session, row.id, limit=RESOLVED_SHOWN)
    shown = {f"{group.fix}:{group.key}" for group in groups} | {
        f"release:{order.ref}" for group in groups for order in group.orders}
    unplaced = [message for key, message in (errors or {}).items() if key not in shown]
    return render(request, "alerts/index.html", status_code=status_code, integration=row,
                  groups=groups, others=others, resolved=resolved, errors=errors or {},
                  unplaced=unplaced,
                  typed=typed or {}, carrier_codes=HOUZZ_CARRIER_CODES)


@router.get("/alerts")
def alerts_screen(request: Request) -> Response:
    return alerts_page(request)


def _done(request: Request, result: FixResult, then: str) -> Response:
    message = f"{result.message}." + (f" {then}" if result.released else (
        " No held order could go yet: see what still holds them below."))
    flash(request, message, "ok" if result.released else "warn")
    if result.note:
        flash(request, result.note, "warn")
    return RedirectResponse("/alerts", 303)


@router.post("/alerts/alias")
def fix_alias(request: Request, channel_sku: Text, warehouse_sku: Text) -> Response:
    try:
        with fixing(request, chosen_row(request).name) as ctx:
            result = mapping_fixes.add_alias(ctx, channel_sku, warehouse_sku)
    except (ValueError, UsageError) as exc:
        return alerts_page(request, 400, {f"alias:{channel_sku}": str(exc)},
                           {f"alias:{channel_sku}": warehouse_sku})
    return _done(request, result, "They go to QuickBooks Commerce at the next delivery run.")


@router.post("/alerts/ship-code")
def fix_ship_code(request: Request, code: Text, value: Text) -> Response:
    try:
        with fixing(request, chosen_row(request).name) as ctx:
            result = mapping_fixes.map_ship_code(ctx, code, value)
    except (ValueError, UsageError) as exc:
        return alerts_page(request, 400, {f"ship_code:{code}": str(exc)},
                           {f"ship_code:{code}": value})
    return _done(request, result, "They go to QuickBooks Commerce at the next delivery run.")


@router.post("/alerts/carrier")
def fix_carrier(request: Request, name: Text, code: Text) -> Response:
    try:
        with fixing(request, chosen_row(request).name) as ctx:
            result = mapping_fixes.map_carrier(ctx, name, code)
    except (ValueError, UsageError) as exc:
        return alerts_page(request, 400, {f"carrier:{name}": str(exc)},
                           {f"carrier:{name}": code})
    return _done(request, result, "Their tracking goes to Houzz at the next shipments run.")


@router.post("/alerts/release")
def release_hold(request: Request, ref: Text) -> Response:
    try:
        result = mapping_fixes.release_by_hand(store_of(request), chosen_row(request), ref,
                                               "the alerts page")
    except UsageError as exc:
        return alerts_page(request, 400, {f"release:{ref}": str(exc)})
    return _done(request, result, "The next run takes it.")
