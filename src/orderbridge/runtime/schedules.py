"""How often each job of an integration runs: its ``<job>_every_s`` setting, read again before
every decision, so `config set deliver_every_s 30` takes effect without a restart. One rule for
the embedded loop (`orderbridge sync`) and the scale-out scheduler."""

from __future__ import annotations

from orderbridge.workflows.integration_config import IntegrationConfig

DEFAULT_EVERY_S = 300.0
"""A job without an ``<job>_every_s`` setting runs this often."""


def every_s(config: IntegrationConfig, job: str) -> float:
    value = getattr(config, f"{job}_every_s", None)
    return float(value) if isinstance(value, int | float) else DEFAULT_EVERY_S
