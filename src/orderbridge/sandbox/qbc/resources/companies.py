"""`/companies` and `/addresses`: the merchant's customers and where they ship to.

Address PUT is the one update that answers 200 with the record (reference §1); every other PUT
answers 204. DELETE archives (soft deletion, reference §4).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from orderbridge.sandbox.qbc.envelope import created, json_response, no_content, read_root
from orderbridge.sandbox.qbc.listing import Listing, index_response, select
from orderbridge.sandbox.qbc.parties import (
    create_address,
    create_company,
    render_address,
    render_company,
    update_address,
    update_company,
)
from orderbridge.sandbox.qbc.resources.common import CallerDep, find

router = APIRouter()

COMPANIES = Listing(
    filters={"company_type": ("str", lambda c: c.company_type),
             "company_code": ("str", lambda c: c.attrs.get("company_code")),
             "email": ("str", lambda c: c.attrs.get("email")),
             "assignee_id": ("int", lambda c: c.attrs.get("assignee_id")),
             "tags": ("tags", lambda c: c.attrs.get("tags"))},
    default_statuses=frozenset({"active", "disabled"}),
)
ADDRESSES = Listing(filters={"company_id": ("int", lambda a: a.company_id)},
                    default_statuses=frozenset({"active"}))


@router.get("/companies")
async def list_companies(request: Request, caller: CallerDep) -> Response:
    companies = select(request, caller.account.companies.values(), COMPANIES)
    return index_response(request, "companies", companies, render_company,
                          caller.services.settings)


@router.get("/companies/{company_id}")
async def show_company(company_id: str, caller: CallerDep) -> Response:
    company = find(caller.account.companies, company_id, "company")
    return json_response({"company": render_company(company)})


@router.post("/companies")
async def post_company(request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "company")
    company = create_company(caller, body)
    return created("company", render_company(company), caller.url("companies", company.id))


@router.put("/companies/{company_id}")
async def put_company(company_id: str, request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "company")
    update_company(caller, find(caller.account.companies, company_id, "company"), body)
    return no_content()


@router.delete("/companies/{company_id}")
async def delete_company(company_id: str, caller: CallerDep) -> Response:
    company = find(caller.account.companies, company_id, "company")
    company.status = "archived"
    company.updated_at = caller.now()
    caller.publish("company.destroy", "companies", company.id)
    return no_content()


@router.get("/addresses")
async def list_addresses(request: Request, caller: CallerDep) -> Response:
    addresses = select(request, caller.account.addresses.values(), ADDRESSES)
    return index_response(request, "addresses", addresses, render_address,
                          caller.services.settings)


@router.get("/addresses/{address_id}")
async def show_address(address_id: str, caller: CallerDep) -> Response:
    address = find(caller.account.addresses, address_id, "address")
    return json_response({"address": render_address(address)})


@router.post("/addresses")
async def post_address(request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "address")
    address = create_address(caller, body)
    return created("address", render_address(address), caller.url("addresses", address.id))


@router.put("/addresses/{address_id}")
async def put_address(address_id: str, request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "address")
    address = find(caller.account.addresses, address_id, "address")
    update_address(caller, address, body)
    return json_response({"address": render_address(address)})


@router.delete("/addresses/{address_id}")
async def delete_address(address_id: str, caller: CallerDep) -> Response:
    address = find(caller.account.addresses, address_id, "address")
    address.status = "archived"
    address.updated_at = caller.now()
    return no_content()
