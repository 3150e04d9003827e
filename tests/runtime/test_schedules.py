"""How often each job runs: its own setting, and with QBC webhooks on, shipments and inventory
polled only as the safety net (every `reconcile_every_s`)."""

from __future__ import annotations

import pytest

from orderbridge.runtime.schedules import DEFAULT_EVERY_S, every_s
from orderbridge.workflows.integration_config import IntegrationConfig, config_from_rows


def config(**rows: str) -> IntegrationConfig:
    return config_from_rows(rows)


def test_each_job_runs_on_its_own_setting() -> None:
    settings = config(download_every_s="45", shipments_every_s="90", inventory_every_s="150")
    assert [every_s(settings, job) for job in ("download", "shipments", "inventory")] == [
        45, 90, 150]
    assert every_s(settings, "a_job_without_a_setting") == DEFAULT_EVERY_S


def test_the_defaults_poll_often_enough_for_five_minutes_without_webhooks() -> None:
    defaults = IntegrationConfig()
    assert defaults.webhooks == "off"
    assert [every_s(defaults, job) for job in ("download", "deliver", "shipments",
                                               "inventory")] == [60, 60, 120, 120]


@pytest.mark.parametrize("job", ["shipments", "inventory"])
def test_with_webhooks_on_shipments_and_inventory_are_polled_as_a_safety_net(job: str) -> None:
    on = config(webhooks="on", reconcile_every_s="900", **{f"{job}_every_s": "120"})
    assert every_s(on, job) == 900
    off = config(webhooks="off", reconcile_every_s="900", **{f"{job}_every_s": "120"})
    assert every_s(off, job) == 120


@pytest.mark.parametrize("job", ["shipments", "inventory"])
def test_a_longer_own_interval_is_kept_with_webhooks_on(job: str) -> None:
    slower = config(webhooks="on", reconcile_every_s="900", **{f"{job}_every_s": "3600"})
    assert every_s(slower, job) == 3600


def test_webhooks_change_no_other_job() -> None:
    on = config(webhooks="on", reconcile_every_s="900")
    assert [every_s(on, job) for job in ("download", "deliver", "cancellations", "notify",
                                         "webhooks")] == [60, 60, 300, 60, 3600]
