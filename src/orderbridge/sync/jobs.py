"""The workflows by name, and running them for one integration.

A job that meets a configuration failure (bad credentials, lapsed subscription) pauses the
integration and says so; a transient failure is reported and the job runs again at its next
turn. A paused integration runs nothing until it is reconnected or resumed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orderbridge.errors import ConfigurationError, OrderbridgeError, RemoteError
from orderbridge.runtime.stopping import StopToken
from orderbridge.store import alerts, integrations
from orderbridge.sync.cancellations import cancellations
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.deliver import deliver
from orderbridge.sync.download import download
from orderbridge.sync.inventory import inventory
from orderbridge.sync.options import JobOptions
from orderbridge.sync.shipments import shipments

log = logging.getLogger(__name__)

Job = Callable[[IntegrationContext, StopToken | None, JobOptions], Any]

JOBS: dict[str, Job] = {
    "download": download,
    "cancellations": cancellations,  # before deliver: a canceled order is never sent
    "deliver": deliver,
    "shipments": shipments,
    "inventory": inventory,
}


@dataclass
class JobOutcome:
    """What one job run did, for the summary table and the logs."""

    job: str
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    skipped: str | None = None


def paused_reason(ctx: IntegrationContext) -> str | None:
    with ctx.store.session() as session:
        integration = integrations.get_integration(session, ctx.name)
        if integration is None or not integration.paused:
            return None
        return integration.paused_reason or "paused"


def run_job(ctx: IntegrationContext, name: str, stop: StopToken | None = None,
            options: JobOptions | None = None) -> JobOutcome:
    """Run one job; never raises for a remote failure."""
    reason = paused_reason(ctx)
    if reason is not None:
        return JobOutcome(name, skipped=f"integration paused: {reason}")
    ctx.reload_config()
    try:
        result = JOBS[name](ctx, stop, options or JobOptions())
    except ConfigurationError as exc:
        _pause(ctx, exc.message)
        return JobOutcome(name, error=f"paused the integration: {exc}")
    except (RemoteError, OrderbridgeError) as exc:
        log.warning("%s job of %s failed: %s", name, ctx.name, exc)
        return JobOutcome(name, error=str(exc))
    is_record = dataclasses.is_dataclass(result) and not isinstance(result, type)
    counts = dataclasses.asdict(result) if is_record else {}
    if counts.get("paused"):
        return JobOutcome(name, counts, error=f"paused the integration: {paused_reason(ctx)}")
    return JobOutcome(name, counts)


def run_once(ctx: IntegrationContext, names: list[str], stop: StopToken | None = None,
             options: JobOptions | None = None) -> list[JobOutcome]:
    outcomes = []
    for name in names:
        if stop is not None and stop.stopped:
            break
        outcomes.append(run_job(ctx, name, stop, options))
    return outcomes


def _pause(ctx: IntegrationContext, reason: str) -> None:
    with ctx.store.begin() as session:
        integration = integrations.get_integration(session, ctx.name)
        if integration is not None:
            integrations.pause_integration(session, integration, reason)
            alerts.add_alert(session, ctx.integration_id, kind="paused", message=reason)
