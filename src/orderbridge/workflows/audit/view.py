"""A stored audit as the command line, the web page and the API show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orderbridge.store.tables import Audit
from orderbridge.workflows.audit.discrepancy import Discrepancy, discrepancy_from

CHECKED_LABELS = {
    "houzz_orders": "Houzz orders read",
    "expected_in_qbc": "orders that belong in QBC",
    "in_qbc_once": "of them in QBC exactly once",
    "canceled": "canceled on Houzz",
    "shipped_in_qbc": "shipped in QBC",
    "listings": "listings compared",
    "not_for_the_hub": "closed on Houzz before the hub saw them",
    "hub_orders": "hub records checked",
}


@dataclass
class AuditView:
    id: int
    since: datetime
    requested_at: datetime
    requested_by: str
    started_at: datetime | None
    finished_at: datetime | None
    planned: dict[str, Any]
    spent: dict[str, Any]
    checked: dict[str, int]
    discrepancies: list[Discrepancy] = field(default_factory=list)
    error: str | None = None

    @property
    def state(self) -> str:
        if self.finished_at is not None:
            return "failed" if self.error else "done"
        return "running" if self.started_at is not None else "waiting"

    @property
    def repairable(self) -> list[Discrepancy]:
        return [d for d in self.discrepancies if d.repair is not None]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "since": self.since.isoformat(),
                "requested_at": self.requested_at.isoformat(),
                "requested_by": self.requested_by,
                "started_at": self.started_at.isoformat() if self.started_at else None,
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "planned": self.planned, "spent": self.spent, "checked": self.checked,
                "discrepancies": [d.as_json() for d in self.discrepancies],
                "error": self.error}


def audit_view(row: Audit) -> AuditView:
    return AuditView(
        id=row.id, since=row.since, requested_at=row.requested_at,
        requested_by=row.requested_by, started_at=row.started_at, finished_at=row.finished_at,
        planned=dict(row.planned or {}), spent=dict(row.spent or {}),
        checked={key: int(value) for key, value in (row.checked or {}).items()},
        discrepancies=[discrepancy_from(document) for document in row.discrepancies or []],
        error=row.error)
