"""The process metrics counted where things happen (real runs, real leases on SQLite and
PostgreSQL), the store gauges read at scrape time, and a worker's own metrics server."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from orderbridge.clock import FrozenClock
from orderbridge.runtime import metrics
from orderbridge.runtime.jobs import run_job
from orderbridge.runtime.lease import LeaseBusy, take
from orderbridge.settings import Settings
from orderbridge.store import Store, leases
from orderbridge.store.engine import create_engine_for, session_factory
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.workflows.context import open_context

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scraped(text: str) -> Samples:
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def takeovers(job: str) -> float:
    return value(scraped(metrics.scrape().decode()), "orderbridge_lease_takeovers_total",
                 job=job)


def integration(store: Store, name: str = "default") -> int:
    with store.begin() as session:
        return get_or_create_integration(session, name).id


def test_a_lapsed_lease_taken_is_a_takeover_a_released_one_is_not(store: Store) -> None:
    iid = integration(store)
    clock = FrozenClock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    before = takeovers("shipments")
    first = take(store, iid, "shipments", ttl_s=10, clock=clock)  # a free job: no takeover
    first._release()
    take(store, iid, "shipments", ttl_s=10, clock=clock)  # released before: no takeover
    assert takeovers("shipments") == before
    with pytest.raises(LeaseBusy):
        take(store, iid, "shipments", ttl_s=10, clock=clock)
    assert takeovers("shipments") == before  # refused: nothing taken
    clock.advance(11)  # its holder stopped renewing: the lease lapsed
    take(store, iid, "shipments", ttl_s=10, clock=clock)
    assert takeovers("shipments") == before + 1


def test_a_lease_of_a_dead_process_of_this_host_taken_over_is_counted(store: Store) -> None:
    iid = integration(store)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    before = takeovers("inventory")
    take(store, iid, "inventory", holder=f"{socket.gethostname()}:{child.pid}:deadbeef")
    take(store, iid, "inventory")  # at once, without waiting for the 60 s TTL
    assert takeovers("inventory") == before + 1
    with store.session() as session:
        assert leases.holder_of(session, iid, "inventory", datetime.now(UTC)) is not None


def test_runs_are_counted_by_job_and_integration(store: Store, settings: Settings) -> None:
    integration(store, "unwired")  # no connection: its jobs fail, and say why
    ctx = open_context(store, settings, "unwired")
    labels = {"job": "download", "integration": "unwired"}
    before = scraped(metrics.scrape().decode())
    try:
        outcomes = [run_job(ctx, "download"), run_job(ctx, "download")]
    finally:
        ctx.close()
    assert all(outcome.error for outcome in outcomes)
    after = scraped(metrics.scrape().decode())
    for name in ("orderbridge_jobs_run_total", "orderbridge_jobs_failed_total"):
        assert value(after, name, **labels) - value(before, name, **labels) == 2, name


def test_the_store_gauges_are_read_at_each_scrape(store: Store) -> None:
    integration(store, "acme")
    first = scraped(metrics.scrape(store).decode())
    assert value(first, "orderbridge_orders", integration="acme", status="new") == 0
    assert value(first, "orderbridge_qbc_calls_in_window", integration="acme") == 0
    assert ("orderbridge_orders", frozenset({("integration", "acme"), ("status", "held")})) \
        in first  # every status, zeros included
    with store.begin() as session:
        get_or_create_integration(session, "acme").paused = True
    second = scraped(metrics.scrape(store).decode())
    assert value(second, "orderbridge_integration_paused", integration="acme") == 1
    assert value(second, "orderbridge_store_readable") == 1


def test_an_unreadable_store_is_a_gauge_not_a_failed_scrape() -> None:
    engine = create_engine_for("postgresql+psycopg://postgres@127.0.0.1:9/none",
                               connect_args={"connect_timeout": 2})
    gone = Store(engine=engine, sessions=session_factory(engine))
    found = scraped(metrics.scrape(gone).decode())
    assert value(found, "orderbridge_store_readable") == 0
    assert not any(name == "orderbridge_orders" for name, _ in found)


def test_a_worker_serves_its_metrics_on_its_own_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    metrics.JOBS_RUN.labels("notify", "served").inc()
    metrics.serve_worker_metrics(port)
    response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert response.status_code == 200
    found = scraped(response.text)
    assert value(found, "orderbridge_jobs_run_total", job="notify", integration="served") >= 1
    assert value(found, "process_resident_memory_bytes") > 0
    assert not any(name == "orderbridge_store_readable" for name, _ in found)  # web's job
