"""How often each job of an integration runs: its ``<job>_every_s`` setting, read again before
every decision, so `config set deliver_every_s 30` takes effect without a restart. One rule for
the embedded loop (`orderbridge sync`) and the scale-out scheduler."""

from __future__ import annotations

from orderbridge.workflows.integration_config import IntegrationConfig

DEFAULT_EVERY_S = 300.0
"""A job without an ``<job>_every_s`` setting runs this often."""

RECONCILED_BY_WEBHOOKS = frozenset({"shipments", "inventory"})
"""Jobs QBC webhooks do the work of as it happens, once they are on."""


def every_s(config: IntegrationConfig, job: str) -> float:
    """Seconds between two runs of `job`.

    With webhooks on, shipments and inventory run at least `reconcile_every_s` apart: the
    webhooks bring each shipment and stock change within seconds, so polling is only the safety
    net for what no webhook said, and polling it as often as without webhooks would spend QBC
    budget on reads that find nothing. A longer own interval is kept (a merchant who polls
    less often still does).
    """
    value = getattr(config, f"{job}_every_s", None)
    own = float(value) if isinstance(value, int | float) else DEFAULT_EVERY_S
    if job in RECONCILED_BY_WEBHOOKS and config.webhooks == "on":
        return max(own, config.reconcile_every_s)
    return own
