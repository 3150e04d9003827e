"""Run one job of one integration at once ("Run now" on the jobs screen, and the API), the
way `orderbridge sync --once --job NAME` does: under the job's lease, recorded in the history
with the trigger ``web``. A job another process is running is skipped, never run twice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orderbridge.runtime.jobs import JOBS, JobOutcome, run_job
from orderbridge.settings import Settings
from orderbridge.store import Store
from orderbridge.workflows.context import open_context

TRIGGER = "web"


def known_job(name: str) -> bool:
    return name in JOBS


def run_now(store: Store, settings: Settings, integration: str, job: str) -> JobOutcome:
    """Run ``job`` (one of `runtime.jobs.JOBS`) for ``integration`` and say how it went."""
    ctx = open_context(store, settings, integration)
    try:
        return run_job(ctx, job, trigger=TRIGGER)
    finally:
        ctx.close()


def counts_text(counts: Mapping[str, Any]) -> str:
    """The counts that are not zero, as a merchant reads them: ``delivered 3, held 1``."""
    shown = [f"{key.replace('_', ' ')} {value}" for key, value in counts.items() if value]
    return ", ".join(shown) or "nothing to do"


def outcome_text(outcome: JobOutcome) -> tuple[str, str]:
    """``(kind, message)`` for the flash after a run now."""
    if outcome.skipped is not None:
        return "warn", f"The {outcome.job} job did not run: {outcome.skipped}."
    if outcome.error is not None:
        return "error", f"The {outcome.job} job ran and failed: {outcome.error}"
    return "ok", f"The {outcome.job} job ran: {counts_text(outcome.counts)}."
