"""`/accounts/current` and `/locations`: who the merchant is and where stock is held."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from orderbridge.sandbox.qbc.envelope import JsonDict, created, json_response, read_root
from orderbridge.sandbox.qbc.listing import Listing, index_response, select
from orderbridge.sandbox.qbc.records import Location
from orderbridge.sandbox.qbc.resources.common import CallerDep, find
from orderbridge.sandbox.qbc.state import Account
from orderbridge.sandbox.qbc.validation import Errors
from orderbridge.sandbox.qbc.values import iso_ms

router = APIRouter()

LOCATIONS = Listing(default_statuses=frozenset({"active"}))
LOCATION_ATTRS = ("address2", "suburb", "city", "state", "zip_code", "holds_stock")


def render_account(account: Account) -> JsonDict:
    return {
        "id": account.id, "name": account.name, "created_at": iso_ms(account.created_at),
        "updated_at": iso_ms(account.created_at), "country": "US", "contact_email": None,
        "contact_phone": None, "industry": "Home & Garden", "time_zone": "Etc/UTC",
        "default_currency_id": 1, "default_order_price_list_id": "retail",
        "default_purchase_order_price_list_id": "buy", "default_tax_treatment": "exclusive",
        "default_sales_order_tax_type_id": None, "default_purchase_order_tax_type_id": None,
        "primary_location_id": account.primary_location_id,
        "primary_billing_location_id": account.primary_location_id,
        "location_ids": [loc.id for loc in account.locations.values() if loc.status == "active"],
        "tax_label": "Tax", "stock_level_warn": False,
    }


def render_location(location: Location) -> JsonDict:
    return {"id": location.id, "created_at": iso_ms(location.created_at),
            "updated_at": iso_ms(location.updated_at), "status": location.status,
            **location.attrs}


@router.get("/accounts/current")
async def current_account(caller: CallerDep) -> Response:
    return json_response({"account": render_account(caller.account)})


@router.get("/locations")
async def list_locations(request: Request, caller: CallerDep) -> Response:
    locations = select(request, caller.account.locations.values(), LOCATIONS)
    return index_response(request, "locations", locations, render_location,
                          caller.services.settings)


@router.get("/locations/{location_id}")
async def show_location(location_id: str, caller: CallerDep) -> Response:
    location = find(caller.account.locations, location_id, "location")
    return json_response({"location": render_location(location)})


@router.post("/locations")
async def post_location(request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "location")
    errors = Errors()
    label = errors.required_str(body, "label")
    address1 = errors.required_str(body, "address1")
    country = errors.required_str(body, "country")
    account = caller.account
    if label and any(loc.attrs.get("label") == label and loc.status == "active"
                     for loc in account.locations.values()):
        errors.add("label", "has already been taken")
    if country and len(country) != 2:
        errors.add("country", "is the wrong length (should be 2 characters)")
    errors.check()
    attrs: JsonDict = {"address1": address1, "country": country, "address2": None,
                       "city": None, "state": None, "zip_code": None}
    attrs.update({name: body[name] for name in LOCATION_ATTRS if name in body})
    location = caller.state.new_location(account, label, **attrs)
    caller.publish("location.create", "locations", location.id)
    return created("location", render_location(location), caller.url("locations", location.id))
