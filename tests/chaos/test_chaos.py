"""The chaos run, small: every workflow at once against both sandboxes at their worst, the
hub's processes SIGKILLed at random — embedded on SQLite, and scaled out on PostgreSQL and
Redis — and at the end nothing lost, nothing duplicated, nothing wrong, and the product's own
audit agrees. `bench/chaos.py` runs the same with thousands of orders."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from cryptography.fernet import Fernet

from orderbridge.settings import Settings
from tests.chaos.plan import ChaosPlan
from tests.chaos.rig import run_chaos
from tests.runtime.farm import REDIS_URL


def settings_for(home: Path, database_url: str, broker_url: str = REDIS_URL) -> Settings:
    return Settings(home=home, database_url=database_url,
                    secret_key=Fernet.generate_key().decode(), broker_url=broker_url)



@pytest.mark.timeout(600)
def test_embedded_sync_killed_at_random_loses_nothing(tmp_path: Path) -> None:
    plan = ChaosPlan(mode="embedded", orders=120, scenario_s=25, min_kills=6)
    settings = settings_for(tmp_path / "home", f"sqlite:///{tmp_path / 'chaos.sqlite3'}")
    outcome = run_chaos(settings, plan, log=print)
    print(outcome.describe())
    assert outcome.ok, outcome.describe()
    verdict = outcome.verdict
    assert verdict.houzz_orders == plan.orders
    assert sum(outcome.kills.values()) >= plan.min_kills
    assert outcome.kills["sync"] and outcome.kills["serve"]
    assert verdict.voided and verdict.confirmed and verdict.listings
    assert outcome.world["aliases added"] and outcome.world["orders shipped in several packages"]
    for fault in ("error", "timeout", "429 answered"):
        assert outcome.faults["qbc"][fault] and outcome.faults["houzz"][fault], outcome.faults
    assert verdict.listings == plan.skus, "every listing checked, aliased or not"
    assert outcome.webhook_faults.get("dropped") and outcome.webhook_faults.get("duplicate")


@pytest.mark.timeout(600)
def test_workers_and_scheduler_killed_at_random_lose_nothing(tmp_path: Path,
                                                            postgres_url: str) -> None:
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()
    plan = ChaosPlan(mode="workers", orders=100, scenario_s=25, min_kills=6, seed=2)
    settings = settings_for(tmp_path / "home", postgres_url)
    try:
        outcome = run_chaos(settings, plan, log=print)
    finally:
        broker.flushdb()
        broker.close()
    print(outcome.describe())
    assert outcome.ok, outcome.describe()
    assert outcome.verdict.houzz_orders == plan.orders
    assert outcome.kills["worker"] and outcome.kills["scheduler"]
