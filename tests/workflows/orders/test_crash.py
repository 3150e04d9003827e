"""Exactly once, whatever happens: the sync process is SIGKILLed at random moments while it
delivers, QBC answers 5xx, withholds answers after acting (timeouts) and rate-limits (429), and
still every Houzz order ends up in QBC once and the store knows each one's QBC id.

The rig (`crash_rig.py`) is shared with `bench/crash.py`, which runs the same thing larger.
A failure prints the seed and the kill sequence; rerun with that seed to replay it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from tests.workflows.orders.crash_rig import CrashOutcome, CrashPlan, run_crash

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]


def crash_settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(home=tmp_path / "crash-home", database_url=database_url,
                    secret_key=Fernet.generate_key().decode())


def check(outcome: CrashOutcome, plan: CrashPlan) -> None:
    report = outcome.describe()
    assert outcome.converged, f"not every order was delivered in {plan.deadline_s:.0f}s\n{report}"
    assert not outcome.duplicates, f"orders created twice in QBC\n{report}"
    assert not outcome.missing, f"orders never created in QBC\n{report}"
    assert not outcome.unexpected, f"QBC orders no Houzz order explains\n{report}"
    assert not outcome.wrong_in_store, f"the store disagrees with QBC\n{report}"
    # The kills really hit deliveries in progress, and the faults really happened.
    assert outcome.kills >= plan.min_kills, report
    assert outcome.recovered_by_lookup >= 1, f"no kill landed between POST and commit\n{report}"
    assert outcome.lookups >= 1, report  # one lookup settles a whole group's orders
    assert outcome.faults.get("error", 0) and outcome.faults.get("timeout", 0), report
    assert outcome.posts >= outcome.orders, report


def test_every_order_reaches_qbc_once_through_kills_and_faults(
        sandboxes: SandboxPair, tmp_path: Path) -> None:
    plan = CrashPlan(orders=120, seed=20261128, min_kills=6, deadline_s=50)
    url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    check(run_crash(sandboxes, crash_settings(tmp_path, url), plan), plan)


def test_the_same_on_postgresql(sandboxes: SandboxPair, tmp_path: Path,
                                postgres_url: str) -> None:
    plan = CrashPlan(orders=80, seed=7, min_kills=3, deadline_s=50)
    check(run_crash(sandboxes, crash_settings(tmp_path, postgres_url), plan), plan)
