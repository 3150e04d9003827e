"""Companies (customers and suppliers) and their addresses.

Used by `/companies` and `/addresses`, and by order creation with a nested `company` or
`shipping_address`. Addresses are never de-duplicated (reference §7.1). `country_code` is
derived from a few well-known country names when it is not given.
"""

from __future__ import annotations

from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import JsonDict
from orderbridge.sandbox.qbc.records import Address, Company
from orderbridge.sandbox.qbc.validation import Errors, copy_attrs
from orderbridge.sandbox.qbc.values import iso_ms

COMPANY_TYPES = ("business", "supplier", "consumer")
COMPANY_ATTRS = ("company_code", "email", "phone_number", "fax", "website", "description",
                 "tax_number", "tags", "assignee_id", "default_payment_term_id",
                 "default_payment_method_id", "default_stock_location_id",
                 "default_tax_type_id", "default_ledger_account_id", "default_price_list_id",
                 "default_discount_rate")
ADDRESS_ATTRS = ("label", "address1", "address2", "suburb", "city", "state", "zip_code",
                 "country", "country_code", "first_name", "last_name", "company_name", "email",
                 "phone_number")
COUNTRY_CODES = {"united states": "US", "united states of america": "US", "usa": "US",
                 "us": "US", "canada": "CA", "united kingdom": "GB", "australia": "AU",
                 "mexico": "MX", "germany": "DE", "france": "FR", "new zealand": "NZ"}


def check_company(errors: Errors, body: JsonDict, prefix: str = "") -> None:
    """Add to `errors` what stops `body` from making a company (attrs prefixed `prefix.`)."""
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.add(f"{prefix}name", "can't be blank")
    kind = body.get("company_type")
    if kind is None or kind == "":
        errors.add(f"{prefix}company_type", "can't be blank")
    elif kind not in COMPANY_TYPES:
        errors.add(f"{prefix}company_type", "is not included in the list")


def insert_company(caller: Caller, body: JsonDict) -> Company:
    """Store a company from a body that passed `check_company`."""
    now = caller.now()
    attrs: JsonDict = {key: None for key in COMPANY_ATTRS}
    attrs["tags"] = []
    copy_attrs(attrs, body, COMPANY_ATTRS)
    company = Company(id=caller.state.next_id("company"), created_at=now, updated_at=now,
                      name=str(body["name"]), company_type=str(body["company_type"]),
                      attrs=attrs)
    caller.account.companies[company.id] = company
    caller.publish("company.create", "companies", company.id)
    return company


def create_company(caller: Caller, body: JsonDict) -> Company:
    errors = Errors()
    check_company(errors, body)
    errors.check()
    return insert_company(caller, body)


def check_address(errors: Errors, body: JsonDict, prefix: str = "") -> None:
    """Problems with an address body, apart from its company."""
    address1 = body.get("address1")
    if not isinstance(address1, str) or not address1.strip():
        errors.add(f"{prefix}address1", "can't be blank")


def insert_address(caller: Caller, body: JsonDict, company_id: int) -> Address:
    """Store an address from a body that passed `check_address`, for an existing company."""
    now = caller.now()
    attrs: JsonDict = {key: None for key in ADDRESS_ATTRS}
    copy_attrs(attrs, body, ADDRESS_ATTRS)
    _derive_country_code(attrs)
    address = Address(id=caller.state.next_id("address"), created_at=now, updated_at=now,
                      company_id=company_id, attrs=attrs)
    caller.account.addresses[address.id] = address
    caller.account.companies[company_id].address_ids.append(address.id)
    caller.publish("address.create", "addresses", address.id)
    return address


def create_address(caller: Caller, body: JsonDict) -> Address:
    errors = Errors()
    company_id = errors.required_int(body, "company_id")
    if company_id is not None and company_id not in caller.account.companies:
        errors.add("company_id", "does not exist")
    check_address(errors, body)
    errors.check()
    assert company_id is not None
    return insert_address(caller, body, company_id)


def _derive_country_code(attrs: JsonDict) -> None:
    country = attrs.get("country")
    if not attrs.get("country_code") and isinstance(country, str):
        attrs["country_code"] = COUNTRY_CODES.get(country.strip().lower())


def update_address(caller: Caller, address: Address, body: JsonDict) -> None:
    if "address1" in body and not body["address1"]:
        errors = Errors()
        errors.add("address1", "can't be blank")
        errors.check()
    if copy_attrs(address.attrs, body, ADDRESS_ATTRS):
        if "country" in body and "country_code" not in body:
            address.attrs["country_code"] = None
        _derive_country_code(address.attrs)
        address.updated_at = caller.now()
        caller.publish("address.update", "addresses", address.id)


def update_company(caller: Caller, company: Company, body: JsonDict) -> None:
    errors = Errors()
    kind = errors.one_of(body, "company_type", COMPANY_TYPES) if "company_type" in body else None
    status = errors.one_of(body, "status", ("active", "disabled", "archived")) \
        if "status" in body else None
    if "name" in body and not body["name"]:
        errors.add("name", "can't be blank")
    errors.check()
    changed = copy_attrs(company.attrs, body, COMPANY_ATTRS)
    for attr, value in (("name", body.get("name")), ("company_type", kind), ("status", status)):
        if value is not None and getattr(company, attr) != value:
            setattr(company, attr, value)
            changed = True
    if changed:
        company.updated_at = caller.now()
        caller.publish("company.update", "companies", company.id)


def render_company(company: Company) -> JsonDict:
    return {"id": company.id, "created_at": iso_ms(company.created_at),
            "updated_at": iso_ms(company.updated_at), "name": company.name,
            "company_type": company.company_type, "status": company.status, **company.attrs,
            "address_ids": list(company.address_ids), "contact_ids": [], "note_ids": []}


def render_address(address: Address) -> JsonDict:
    return {"id": address.id, "created_at": iso_ms(address.created_at),
            "updated_at": iso_ms(address.updated_at), "company_id": address.company_id,
            "status": address.status, **address.attrs}
