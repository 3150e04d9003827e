"""The stock Houzz last accepted per SKU: read all at once, written in bulk. No commits here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orderbridge.store._upsert import _insert
from orderbridge.store.tables import InventoryLevel

ACCEPTED, REFUSED, FAILED = "accepted", "refused", "failed"
ROWS_PER_STATEMENT = 500  # well inside SQLite's limit on bound parameters


@dataclass(frozen=True)
class PushOutcome:
    """What Houzz answered to one updateInventory."""

    sku: str
    warehouse_sku: str | None
    quantity: int
    result: str
    """accepted, refused (Houzz said no to this SKU) or failed (worth trying again)."""
    error: str | None = None


@dataclass(frozen=True)
class StoredLevel:
    sku: str
    warehouse_sku: str | None
    quantity: int | None
    pushed_at: datetime | None
    last_error: str | None
    not_listed: bool
    without_variant: bool


def stored_levels(session: Session, integration_id: int) -> dict[str, StoredLevel]:
    rows = session.execute(
        select(InventoryLevel.sku, InventoryLevel.warehouse_sku, InventoryLevel.quantity,
               InventoryLevel.pushed_at, InventoryLevel.last_error, InventoryLevel.not_listed,
               InventoryLevel.without_variant)
        .where(InventoryLevel.integration_id == integration_id))
    return {row.sku: StoredLevel(*row) for row in rows}


def record_outcomes(session: Session, integration_id: int, outcomes: Sequence[PushOutcome],
                    at: datetime) -> None:
    """Store answers: accepted quantities, refusals, failures (bulk statements)."""
    for kind in (ACCEPTED, REFUSED, FAILED):
        chosen = [outcome for outcome in outcomes if outcome.result == kind]
        for start in range(0, len(chosen), ROWS_PER_STATEMENT):
            _record(session, integration_id, kind, chosen[start:start + ROWS_PER_STATEMENT], at)


def _record(session: Session, integration_id: int, kind: str, batch: Sequence[PushOutcome],
            at: datetime) -> None:
    rows = [{"integration_id": integration_id, "sku": outcome.sku,
             "warehouse_sku": outcome.warehouse_sku,
             "quantity": outcome.quantity if kind == ACCEPTED else None,
             "pushed_at": at if kind == ACCEPTED else None,
             "last_error": outcome.error, "error_at": None if kind == ACCEPTED else at,
             "not_listed": kind == REFUSED, "without_variant": False,
             "updated_at": at} for outcome in batch]
    statement = _insert(session, InventoryLevel).values(rows)
    columns = ["warehouse_sku", "last_error", "error_at", "not_listed", "updated_at"]
    if kind == ACCEPTED:
        columns += ["quantity", "pushed_at", "without_variant"]
    session.execute(statement.on_conflict_do_update(
        index_elements=["integration_id", "sku"],
        set_={column: statement.excluded[column] for column in columns}))


def mark_listings(session: Session, integration_id: int, *, without_variant: Iterable[str],
                  not_listed: Iterable[str], at: datetime) -> None:
    """After reading every Houzz listing (a `--full` run): which listings no QBC variant backs,
    and which QBC-backed SKUs Houzz does not list. Earlier marks are replaced."""
    session.execute(update(InventoryLevel)
                    .where(InventoryLevel.integration_id == integration_id)
                    .values(without_variant=False, not_listed=False))
    for flag, skus in (("without_variant", sorted(set(without_variant))),
                       ("not_listed", sorted(set(not_listed)))):
        if not skus:
            continue
        for start in range(0, len(skus), ROWS_PER_STATEMENT):
            rows = [{"integration_id": integration_id, "sku": sku, flag: True, "updated_at": at}
                    for sku in skus[start:start + ROWS_PER_STATEMENT]]
            statement = _insert(session, InventoryLevel).values(rows)
            session.execute(statement.on_conflict_do_update(
                index_elements=["integration_id", "sku"],
                set_={flag: True, "updated_at": statement.excluded.updated_at}))
