"""The warehouse variant index: bulk upserts from QBC pages, lookups by SKU. No commits here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orderbridge.store._upsert import _insert
from orderbridge.store.tables.warehouse import WarehouseVariant

ACTIVE = "active"


@dataclass(frozen=True)
class VariantRow:
    """One warehouse variant as the index keeps it; ``record`` is the warehouse's own JSON."""

    variant_id: int
    sku: str | None
    name: str | None
    status: str
    record: dict[str, Any]
    remote_updated_at: str | None


def upsert_variants(
    session: Session, integration_id: int, variants: Sequence[VariantRow], *, seen_at: datetime
) -> None:
    """Store a page of variants (one statement)."""
    if not variants:
        return
    rows = [
        {
            "integration_id": integration_id,
            "variant_id": variant.variant_id,
            "sku": variant.sku,
            "name": variant.name,
            "status": variant.status,
            "record": variant.record,
            "remote_updated_at": variant.remote_updated_at,
            "seen_at": seen_at,
        }
        for variant in variants
    ]
    statement = _insert(session, WarehouseVariant)
    columns = ("sku", "name", "status", "record", "remote_updated_at", "seen_at")
    # executemany with one cached statement: a multi-VALUES statement would be compiled
    # anew for every page, which costs more than the database work itself
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["integration_id", "variant_id"],
            set_={column: statement.excluded[column] for column in columns},
        ),
        rows,
    )


def archive_unseen(session: Session, integration_id: int, seen_before: datetime) -> int:
    """After a full read: variants QBC no longer lists are archived."""
    result = session.execute(
        update(WarehouseVariant)
        .where(
            WarehouseVariant.integration_id == integration_id,
            WarehouseVariant.seen_at < seen_before,
            WarehouseVariant.status == ACTIVE,
        )
        .values(status="archived")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def active_variant_ids_by_sku(
    session: Session, integration_id: int, skus: Iterable[str]
) -> dict[str, list[int]]:
    """Active variant ids per SKU (exact match; QBC does not enforce SKU uniqueness)."""
    wanted = set(skus)
    found: dict[str, list[int]] = {sku: [] for sku in wanted}
    if not wanted:
        return found
    rows = session.execute(
        select(WarehouseVariant.sku, WarehouseVariant.variant_id).where(
            WarehouseVariant.integration_id == integration_id,
            WarehouseVariant.status == ACTIVE,
            WarehouseVariant.sku.in_(wanted),
        )
    )
    for sku, variant_id in rows:
        if sku is not None:
            found[sku].append(int(variant_id))
    return found
