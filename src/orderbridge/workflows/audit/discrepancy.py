"""One thing the audit found wrong, said plainly, with its fix.

A `Repair` is a fix the hub can carry out itself through its normal workflows: run a job (the
one whose work was left undone), after naming to it the QBC records it should read (the same
queue QBC's webhooks fill) or the window it should read again. A discrepancy without a repair
needs a person; its ``fix`` says what to do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Repair:
    job: str
    """The job that repairs it (`runtime.jobs.JOBS`)."""
    full: bool = False
    """Run it in full (the inventory job re-reads and re-pushes every level)."""
    since: str | None = None
    """Read Houzz again from this date (the download job)."""
    fulfillment_ids: tuple[str, ...] = ()
    """QBC fulfillments to read by id (the shipments job)."""


@dataclass(frozen=True)
class Discrepancy:
    kind: str
    subject: str
    """What it is about: ``Houzz order 1001``, ``SKU CHAIR-1``."""
    problem: str
    fix: str
    command: str | None = None
    """The command that repairs it (or shows what to do)."""
    repair: Repair | None = None
    key: str = ""
    """The Houzz order id or SKU."""
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def discrepancy_from(document: dict[str, Any]) -> Discrepancy:
    """Back from `as_json` (the stored audit)."""
    repair = document.get("repair")
    fields = {key: value for key, value in document.items() if key != "repair"}
    return Discrepancy(**fields, repair=None if repair is None else Repair(
        job=repair["job"], full=bool(repair.get("full")), since=repair.get("since"),
        fulfillment_ids=tuple(repair.get("fulfillment_ids") or ())))
