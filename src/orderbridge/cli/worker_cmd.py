"""`orderbridge worker` and `orderbridge scheduler`: the scale-out mode, on PostgreSQL and a
Redis broker. The worker is Celery's own worker (a threads pool: jobs wait on the network, not
the CPU, so one process serves many merchants at once); the scheduler enqueues each
integration's jobs on their schedules (`runtime.enqueue`). Run any number of either."""

from __future__ import annotations

import logging
import time
from typing import Annotated

import typer
from sqlalchemy import make_url

from orderbridge.cli.common import fail, reports_errors, say
from orderbridge.runtime.celery_app import RUN_JOB, make_celery
from orderbridge.runtime.enqueue import enqueue_due
from orderbridge.runtime.stopping import stop_on_signals
from orderbridge.settings import Settings, load_settings
from orderbridge.store import open_store
from orderbridge.store.tables.columns import utcnow
from orderbridge.workflows.stop import StopToken

log = logging.getLogger("orderbridge.scheduler")


def _scale_out_settings() -> Settings:
    settings = load_settings()
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        fail("the scale-out mode runs on PostgreSQL: set ORDERBRIDGE_DATABASE_URL to "
             "postgresql://USER@HOST/DATABASE (one process on SQLite: orderbridge sync)")
    return settings


@reports_errors
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=512, help=(
        "Jobs run at the same time by this process (threads).")) ] = 32,
    metrics_port: Annotated[int, typer.Option(min=0, max=65535, help=(
        "Serve Prometheus metrics on this port (0: none).")) ] = 0,
) -> None:
    """Run jobs from the broker (ORDERBRIDGE_BROKER_URL) until stopped."""
    settings = _scale_out_settings()
    open_store(settings).close()  # migrated before the first task, one line if it cannot be
    if metrics_port:
        from orderbridge.runtime.metrics import serve_worker_metrics

        serve_worker_metrics(metrics_port)
    app = make_celery(settings)
    app.worker_main(["worker", "--pool=threads", f"--concurrency={concurrency}",
                     f"--loglevel={settings.log_level}", "--without-gossip",
                     "--without-mingle", "-Q", "orderbridge"])


@reports_errors
def scheduler(
    tick_s: Annotated[float, typer.Option(min=0.1, max=60, help=(
        "How often the schedules are read.")) ] = 1.0,
) -> None:
    """Enqueue each integration's jobs on their schedules, until Ctrl-C."""
    settings = _scale_out_settings()
    store = open_store(settings)
    app = make_celery(settings)
    stop = StopToken()

    def send(integration_id: int, job: str) -> None:
        app.send_task(RUN_JOB, args=[integration_id, job])

    say("orderbridge scheduler: enqueueing jobs (Ctrl-C stops)")
    try:
        with stop_on_signals(stop):
            while not stop.stopped:
                started = time.monotonic()
                sent = enqueue_due(store, send, utcnow())
                if sent:
                    log.info("enqueued %d job(s)", len(sent))
                stop.wait(max(tick_s - (time.monotonic() - started), 0.0))
    finally:
        store.close()
    say("Stopped cleanly.")
