"""Holding a job's lease while it runs: renewed past its TTL, taken over once its holder died,
released whatever happens, and a lost lease stops the job (on SQLite and on PostgreSQL).

TTLs here are fractions of a second so expiry happens in real time, quickly.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from orderbridge.clock import SystemClock
from orderbridge.runtime.jobs import run_job
from orderbridge.runtime.lease import LeaseBusy, LeaseStop, held, new_holder, take
from orderbridge.settings import Settings
from orderbridge.store import Store, leases
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.store.tables import JobLease
from orderbridge.workflows.context import open_context
from orderbridge.workflows.stop import StopToken

TTL = 0.6


@pytest.fixture
def integration_id(store: Store) -> int:
    with store.begin() as session:
        return get_or_create_integration(session).id


def rows(store: Store) -> list[JobLease]:
    with store.session() as session:
        return list(session.scalars(select(JobLease)))


def test_a_lease_renewed_while_the_job_outlives_its_ttl_is_never_taken(
        store: Store, integration_id: int) -> None:
    refused = 0
    with held(store, integration_id, "deliver", ttl_s=TTL) as lease:
        deadline = time.monotonic() + 4 * TTL  # the job runs four TTLs long
        while time.monotonic() < deadline:
            with pytest.raises(LeaseBusy) as busy:
                take(store, integration_id, "deliver", ttl_s=TTL)
            refused += 1
            time.sleep(0.05)
        assert not lease.lost.is_set() and not lease.stop.stopped
    assert refused > 10
    assert busy.value.holder.holder == lease.holder
    assert str(busy.value).startswith(f"running in another process ({lease.holder}) since ")
    assert rows(store) == []  # released at the end


def test_a_holder_that_died_is_taken_over_after_its_ttl(store: Store,
                                                       integration_id: int) -> None:
    dead = take(store, integration_id, "deliver", ttl_s=TTL)  # taken, never renewed
    with pytest.raises(LeaseBusy):
        take(store, integration_id, "deliver", ttl_s=TTL)
    time.sleep(TTL + 0.1)
    with held(store, integration_id, "deliver", ttl_s=TTL) as successor:
        assert successor.holder != dead.holder
        [row] = rows(store)
        assert row.holder == successor.holder
    assert not dead.renew_once()  # were it alive after all, it would know it lost the job
    assert dead.lost.is_set()


def test_a_holder_that_died_on_this_host_is_taken_over_at_once(store: Store,
                                                               integration_id: int) -> None:
    """A `sync` killed with SIGKILL and started again must not wait out the TTL."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: its pid names no process now
    dead_holder = f"{socket.gethostname()}:{child.pid}:deadbeef"
    take(store, integration_id, "deliver", holder=dead_holder)  # the default 60 s TTL
    with held(store, integration_id, "deliver", ttl_s=TTL) as successor:
        [row] = rows(store)
        assert row.holder == successor.holder != dead_holder


@pytest.mark.parametrize("holder", [f"{socket.gethostname()}:{os.getpid()}:0ther",
                                    "another-host:1:beef", "not-a-holder-name"],
                         ids=["this-process", "another-host", "not-a-holder-name"])
def test_a_live_or_remote_holder_is_never_judged_dead(store: Store, integration_id: int,
                                                      holder: str) -> None:
    take(store, integration_id, "deliver", holder=holder)
    with pytest.raises(LeaseBusy):
        take(store, integration_id, "deliver")


def test_the_lease_is_released_when_the_job_raises(store: Store, integration_id: int) -> None:
    with pytest.raises(RuntimeError, match="boom"), held(store, integration_id, "deliver"):
        assert len(rows(store)) == 1
        raise RuntimeError("boom")
    assert rows(store) == []
    with held(store, integration_id, "deliver"):  # free at once, not after 60 s
        pass


def test_a_lost_lease_stops_the_job(store: Store, integration_id: int) -> None:
    """Another process took the lease over (e.g. ours lapsed while the database was away):
    the next renewal sees it and the job's stop token fires; release leaves theirs alone."""
    caller = StopToken()
    with held(store, integration_id, "deliver", ttl_s=TTL, stop=caller) as lease:
        later = SystemClock().now() + timedelta(seconds=2 * TTL)
        with store.begin() as session:
            assert leases.take(session, integration_id, "deliver", "intruder", 60, later)
        assert lease.stop.wait(5 * TTL)  # woken by the renewal that found it lost
        assert lease.lost.is_set() and not caller.stopped
    [row] = rows(store)
    assert row.holder == "intruder"


def test_the_job_token_follows_the_callers(store: Store, integration_id: int) -> None:
    caller = StopToken()
    with held(store, integration_id, "deliver", stop=caller) as lease:
        assert isinstance(lease.stop, LeaseStop) and not lease.stop.stopped
        threading.Timer(0.2, caller.stop).start()
        started = time.monotonic()
        assert lease.stop.wait(10)
        assert time.monotonic() - started < 2
        assert not lease.lost.is_set()


def test_holder_names_say_where_the_job_runs() -> None:
    first, second = new_holder(), new_holder()
    assert first != second and first.split(":")[:2] == second.split(":")[:2]


def test_run_job_skips_a_job_another_process_runs(store: Store, settings: Settings) -> None:
    ctx = open_context(store, settings, create=True)
    other = take(store, ctx.integration_id, "deliver", holder="elsewhere:42:beef")
    try:
        outcome = run_job(ctx, "deliver")
        assert outcome.error is None and outcome.counts == {}
        assert outcome.skipped is not None
        assert outcome.skipped.startswith("running in another process (elsewhere:42:beef) since ")
        [row] = rows(store)
        assert row.holder == other.holder
    finally:
        ctx.close()


def test_run_job_releases_the_lease_after_a_failed_job(store: Store, settings: Settings) -> None:
    ctx = open_context(store, settings, create=True)
    try:
        failed = run_job(ctx, "download")  # not connected to Houzz: the job fails
        assert failed.error is not None and "no houzz connection" in failed.error
        assert rows(store) == []
    finally:
        ctx.close()
