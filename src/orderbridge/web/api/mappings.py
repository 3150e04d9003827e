"""``/api/v1/mappings``: SKU aliases, the ship-method map and the carrier map (list, add,
remove). Adding is `workflows.mapping_fixes`, as on the mappings screen: the mapping, then the
release of the held orders it unblocked (their cust_refs are in the answer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field

from orderbridge.store import carrier_map, mappings
from orderbridge.store.tables import Integration
from orderbridge.web.api.integrations import integration_named
from orderbridge.web.auth import DbSession, store_of
from orderbridge.web.fixing import fixing
from orderbridge.workflows import mapping_fixes
from orderbridge.workflows.mapping_fixes import FixResult
from orderbridge.workflows.shipments.carriers import BUILT_IN

router = APIRouter(prefix="/mappings", tags=["mappings"])
LIMIT = 2000
"""Longest value read (the store says, in words, what fits in each column)."""
REFUSED: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown integration, or nothing mapped for that key"},
    422: {"description": "A value that cannot be stored (blank, too long, control characters)"},
}
IntegrationParam = Annotated[str, Query(min_length=1, max_length=100,
                                        description="The integration (default: default)")]
Key = Annotated[str, Path(min_length=1, max_length=LIMIT)]
Value = Annotated[str, Field(min_length=1, max_length=LIMIT)]


class AliasIn(BaseModel):
    channel_sku: Value
    """The SKU as Houzz sends it."""
    warehouse_sku: Value
    """The SKU in QuickBooks Commerce."""


class AliasOut(BaseModel):
    channel_sku: str
    warehouse_sku: str


class ShipMethodIn(BaseModel):
    code: Value
    """The Houzz shipping code (STANDARD, EXPEDITED...)."""
    value: Value
    """What QuickBooks Commerce gets for it."""


class ShipMethodOut(BaseModel):
    code: str
    value: str


class CarrierIn(BaseModel):
    carrier: Value
    """The carrier as QuickBooks Commerce names it (tracking_company)."""
    houzz_code: Value
    """A Houzz carrier code: UPS, FedEx, USPS, DHL, OnTrac, LaserShip, Purolator,
    CanadaPost, Other."""


class CarrierOut(BaseModel):
    carrier: str
    houzz_code: str
    source: str
    """merchant (yours) or built-in."""


class FixOut(BaseModel):
    message: str
    """"Alias LIN-1 → LIN-THRO-00001 released 3 orders"."""
    released: list[str]
    """The cust_refs of the held orders it released; the next run sends them."""
    note: str | None = None


def _row(request: Request, integration: str) -> Integration:
    with store_of(request).session() as session:
        return integration_named(session, integration)


def _fix_out(result: FixResult) -> FixOut:
    return FixOut(message=result.message, released=list(result.released), note=result.note)


def _removed(removed: bool, what: str) -> Response:
    if not removed:
        raise HTTPException(404, f"{what} is not mapped")
    return Response(status_code=204)


@router.get("/aliases", summary="List the SKU aliases", responses=REFUSED)
def list_aliases(session: DbSession, integration: IntegrationParam = "default") -> (
        list[AliasOut]):
    row = integration_named(session, integration)
    return [AliasOut(channel_sku=channel, warehouse_sku=warehouse)
            for channel, warehouse in mappings.list_aliases(session, row.id).items()]


@router.post("/aliases", summary="Add (or replace) a SKU alias", status_code=201,
             responses=REFUSED)
def add_alias(request: Request, alias: AliasIn,
              integration: IntegrationParam = "default") -> FixOut:
    row = _row(request, integration)
    try:
        with fixing(request, row.name) as ctx:
            return _fix_out(mapping_fixes.add_alias(ctx, alias.channel_sku, alias.warehouse_sku))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@router.delete("/aliases/{channel_sku:path}", summary="Remove a SKU alias", status_code=204,
               responses=REFUSED)
def remove_alias(session: DbSession, channel_sku: Key,
                 integration: IntegrationParam = "default") -> Response:
    row = integration_named(session, integration)
    return _removed(mappings.remove_alias(session, row.id, channel_sku),
                    f"the channel SKU {channel_sku.strip()!r}")


@router.get("/ship-methods", summary="List the ship-method map", responses=REFUSED)
def list_ship_methods(session: DbSession, integration: IntegrationParam = "default") -> (
        list[ShipMethodOut]):
    row = integration_named(session, integration)
    return [ShipMethodOut(code=code, value=value)
            for code, value in mappings.ship_method_map(session, row.id).items()]


@router.post("/ship-methods", summary="Map a Houzz shipping code", status_code=201,
             responses=REFUSED)
def map_ship_method(request: Request, mapping: ShipMethodIn,
                    integration: IntegrationParam = "default") -> FixOut:
    row = _row(request, integration)
    try:
        with fixing(request, row.name) as ctx:
            return _fix_out(mapping_fixes.map_ship_code(ctx, mapping.code, mapping.value))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@router.delete("/ship-methods/{code:path}", summary="Remove a shipping code's mapping",
               status_code=204, responses=REFUSED)
def remove_ship_method(session: DbSession, code: Key,
                       integration: IntegrationParam = "default") -> Response:
    row = integration_named(session, integration)
    return _removed(mappings.remove_ship_method(session, row.id, code),
                    f"the shipping code {code.strip()!r}")


@router.get("/carriers", summary="List the carrier map", responses=REFUSED)
def list_carriers(session: DbSession, integration: IntegrationParam = "default",
                  built_in: Annotated[bool, Query(
                      description="Also the carriers mapped out of the box")] = False) -> (
        list[CarrierOut]):
    row = integration_named(session, integration)
    found = [CarrierOut(carrier=entry.carrier_name, houzz_code=entry.channel_code,
                        source="merchant") for entry in carrier_map.list_carriers(session, row.id)]
    if built_in:
        found += [CarrierOut(carrier=name, houzz_code=code, source="built-in")
                  for name, code in BUILT_IN.items()]
    return found


@router.post("/carriers", summary="Map a QuickBooks Commerce carrier name", status_code=201,
             responses=REFUSED)
def map_carrier(request: Request, mapping: CarrierIn,
                integration: IntegrationParam = "default") -> FixOut:
    row = _row(request, integration)
    try:
        with fixing(request, row.name) as ctx:
            return _fix_out(mapping_fixes.map_carrier(ctx, mapping.carrier, mapping.houzz_code))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


@router.delete("/carriers/{carrier:path}", summary="Remove a carrier's mapping",
               status_code=204, responses=REFUSED)
def remove_carrier(session: DbSession, carrier: Key,
                   integration: IntegrationParam = "default") -> Response:
    row = integration_named(session, integration)
    try:
        removed = mapping_fixes.remove_carrier(session, row.id, carrier)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return _removed(removed, f"the carrier {carrier.strip()!r}")
