"""Buyers already created in the warehouse, so a repeat buyer's order needs no lookup call.

``buyer_key`` is whatever stable key the sync layer derives for a buyer (e.g. a normalised
e-mail or name + address); the store only keeps the warehouse ids it maps to. No commits here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.store._upsert import upsert
from orderbridge.store.tables import Buyer
from orderbridge.store.tables.columns import utcnow


@dataclass(frozen=True)
class WarehouseBuyer:
    """The warehouse ids of a buyer: its company and (optionally) its shipping address."""

    company_id: str
    address_id: str | None = None


def get_buyer(session: Session, integration_id: int, buyer_key: str) -> WarehouseBuyer | None:
    """The warehouse ids stored for ``buyer_key``, or ``None`` for a buyer not seen before."""
    row = session.execute(
        select(Buyer.warehouse_company_id, Buyer.warehouse_address_id).where(
            Buyer.integration_id == integration_id, Buyer.buyer_key == buyer_key
        )
    ).one_or_none()
    if row is None:
        return None
    return WarehouseBuyer(company_id=row.warehouse_company_id, address_id=row.warehouse_address_id)


def put_buyer(session: Session, integration_id: int, buyer_key: str, buyer: WarehouseBuyer) -> None:
    """Remember (or replace) the warehouse ids of ``buyer_key``."""
    upsert(
        session,
        Buyer,
        {
            "integration_id": integration_id,
            "buyer_key": buyer_key,
            "warehouse_company_id": buyer.company_id,
            "warehouse_address_id": buyer.address_id,
            "updated_at": utcnow(),
        },
        conflict_on=["integration_id", "buyer_key"],
        update=["warehouse_company_id", "warehouse_address_id", "updated_at"],
    )
