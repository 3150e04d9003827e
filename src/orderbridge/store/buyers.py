"""Buyers already created in the warehouse, so a repeat buyer's order needs no lookup call.

``buyer_key`` is whatever stable key the sync layer derives for a buyer (e.g. a normalised
e-mail or name + address); the store only keeps the warehouse ids it maps to. No commits here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from orderbridge.store._upsert import core, table_of, upsert_statement
from orderbridge.store.tables import Buyer
from orderbridge.store.tables.columns import utcnow


@dataclass(frozen=True)
class WarehouseBuyer:
    """The warehouse ids of a buyer: its company and (optionally) its shipping address."""

    company_id: str
    address_id: str | None = None


_BUYERS = table_of(Buyer)


@cache
def _buyers_by_key(count: int) -> Select[tuple[str, str, str | None]]:
    # one statement per number of keys: an "expanding" IN is rendered anew on every call
    return select(
        _BUYERS.c.buyer_key, _BUYERS.c.warehouse_company_id, _BUYERS.c.warehouse_address_id
    ).where(
        _BUYERS.c.integration_id == bindparam("integration_id"),
        _BUYERS.c.buyer_key.in_([bindparam(f"key_{n}") for n in range(count)]),
    )


def get_buyers(
    session: Session, integration_id: int, buyer_keys: Collection[str]
) -> dict[str, WarehouseBuyer]:
    """The warehouse ids stored for these buyer keys, in one query: the stored ones, by key
    (a buyer not seen before is missing)."""
    keys = sorted(set(buyer_keys))
    if not keys:
        return {}
    parameters = {f"key_{n}": key for n, key in enumerate(keys)}
    rows = core(session).execute(
        _buyers_by_key(len(keys)), {"integration_id": integration_id, **parameters}
    )
    return {
        row.buyer_key: WarehouseBuyer(row.warehouse_company_id, row.warehouse_address_id)
        for row in rows
    }


def put_buyers(session: Session, integration_id: int, found: Mapping[str, WarehouseBuyer]) -> None:
    """Remember (or replace) the warehouse ids of each buyer key, in one statement."""
    if not found:
        return
    now = utcnow()
    statement = upsert_statement(
        session,
        Buyer,
        conflict_on=("integration_id", "buyer_key"),
        update=("warehouse_company_id", "warehouse_address_id", "updated_at"),
    )
    core(session).execute(statement, [
        {"integration_id": integration_id, "buyer_key": key, "warehouse_company_id": ids.company_id,
         "warehouse_address_id": ids.address_id, "updated_at": now}
        for key, ids in found.items()])
