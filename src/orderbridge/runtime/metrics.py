"""Prometheus metrics: what this process's jobs did, and the store's numbers read at scrape time.

Process metrics live in ``PROCESS``, this process's own registry (never prometheus_client's
global one, so a library's metrics or a test's never mix in):
- ``orderbridge_jobs_run_total{job,integration}`` and ``orderbridge_jobs_failed_total{...}``:
  every run that was not skipped, and those of them that ended with an error (`job_ended`,
  called by `runtime.jobs.run_job`);
- ``orderbridge_lease_takeovers_total{job}``: leases taken from a holder that stopped
  renewing, or that died on this host (`lease_taken_over`, called by `runtime.lease`);
- ``orderbridge_delivery_latency_seconds``: from an order's download to its delivery to QBC,
  per order delivered by this process (read from the order timelines when a ``deliver`` run
  ends, so the workflows need not know about metrics);
- ``process_*``: the process's memory, CPU and open files.

Store gauges (`StoreCollector`) are read from the database at each scrape, one query or two
per integration: ``orderbridge_orders{integration,status}``,
``orderbridge_qbc_calls_in_window{integration}`` (the QBC calls of the runs that ended in the
last 300 s, `workflows.qbc_budget`, out of ``orderbridge_qbc_calls_allowed_in_window``),
``orderbridge_integration_paused{integration}``, and ``orderbridge_store_readable`` (0 when the
scrape could not read the store: the other gauges are then missing, never wrong).

Where they are served: the web app's ``GET /metrics`` (`web.metrics_route`) serves both;
`serve_worker_metrics` serves a worker's process metrics. The store gauges are the same from
every process on one database, so only one kind of process serves them (the web app, or a
worker given the store), and a sum over instances does not count them twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from orderbridge.clock import SystemClock
from orderbridge.store import Store, integrations, orders
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.qbc_budget import ALLOWED, WINDOW_S, budget_used

log = logging.getLogger(__name__)

PROCESS = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=PROCESS)

JOBS_RUN = Counter("orderbridge_jobs_run", "Job runs that were not skipped.",
                   ["job", "integration"], registry=PROCESS)
JOBS_FAILED = Counter("orderbridge_jobs_failed", "Job runs that ended with an error.",
                      ["job", "integration"], registry=PROCESS)
LEASE_TAKEOVERS = Counter("orderbridge_lease_takeovers",
                          "Job leases taken over from a holder that stopped renewing or died.",
                          ["job"], registry=PROCESS)
LATENCY_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)
DELIVERY_LATENCY = Histogram("orderbridge_delivery_latency_seconds",
                             "Seconds from an order's download to its delivery to QBC.",
                             buckets=LATENCY_BUCKETS, registry=PROCESS)


def job_ended(ctx: IntegrationContext, job: str, counts: Mapping[str, Any], *, failed: bool,
              started: datetime) -> None:
    """Count a run that was not skipped; after a ``deliver`` run that delivered, observe the
    latency of each order it delivered. Never raises: metrics never fail a job."""
    JOBS_RUN.labels(job, ctx.name).inc()
    if failed:
        JOBS_FAILED.labels(job, ctx.name).inc()
    if job != "deliver" or not (_count(counts, "delivered") or _count(counts, "recovered")):
        return
    try:
        with ctx.store.session() as session:
            times = orders.delivery_times_since(session, ctx.integration_id, started)
    except Exception as exc:
        log.warning("could not read the delivery times of %s for the metrics (%s: %s)",
                    ctx.name, type(exc).__name__, exc)
        return
    for downloaded, delivered in times:
        DELIVERY_LATENCY.observe(max((delivered - downloaded).total_seconds(), 0.0))


def _count(counts: Mapping[str, Any], key: str) -> int:
    value = counts.get(key, 0)
    return value if isinstance(value, int) else 0


def lease_taken_over(job: str) -> None:
    LEASE_TAKEOVERS.labels(job).inc()


class StoreCollector(Collector):
    """The store's gauges, read at each scrape (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        by_status = GaugeMetricFamily("orderbridge_orders", "Orders by status.",
                                      labels=["integration", "status"])
        calls = GaugeMetricFamily(
            "orderbridge_qbc_calls_in_window",
            f"QBC calls of the job runs that ended in the last {WINDOW_S} s.",
            labels=["integration"])
        paused = GaugeMetricFamily("orderbridge_integration_paused",
                                   "1 while the integration is paused.", labels=["integration"])
        try:
            now = SystemClock().now()
            with self.store.session() as session:
                for row in integrations.list_integrations(session):
                    for status, count in orders.count_by_status(session, row.id).items():
                        by_status.add_metric([row.name, status.value], count)
                    calls.add_metric([row.name], budget_used(session, row.id, now).used)
                    paused.add_metric([row.name], 1 if row.paused else 0)
        except Exception as exc:  # a scrape never fails: it says the store was unreadable
            log.warning("could not read the store for the metrics (%s: %s)",
                        type(exc).__name__, exc)
            yield GaugeMetricFamily("orderbridge_store_readable",
                                    "1 when this scrape could read the store.", value=0)
            return
        yield GaugeMetricFamily("orderbridge_store_readable",
                                "1 when this scrape could read the store.", value=1)
        yield by_status
        yield calls
        yield GaugeMetricFamily("orderbridge_qbc_calls_allowed_in_window",
                                f"QBC's rate budget per app and account per {WINDOW_S} s.",
                                value=ALLOWED)
        yield paused


def registry(store: Store | None = None) -> CollectorRegistry:
    """A registry of this process's metrics, and of ``store``'s gauges when given."""
    combined = CollectorRegistry(auto_describe=False)
    combined.register(PROCESS)
    if store is not None:
        combined.register(StoreCollector(store))
    return combined


def scrape(store: Store | None = None) -> bytes:
    """The metrics in Prometheus's text format (``prometheus_client.CONTENT_TYPE_LATEST``)."""
    return generate_latest(registry(store))


def serve_worker_metrics(port: int, *, host: str = "127.0.0.1",
                         store: Store | None = None) -> None:
    """Serve this process's metrics on ``http://host:port/metrics`` from a daemon thread
    (prometheus_client's own server), ``store``'s gauges too when given. It has no login:
    it listens on loopback unless ``host`` says otherwise, and serves counts and integration
    names only, never a secret."""
    start_http_server(port, addr=host, registry=registry(store))
