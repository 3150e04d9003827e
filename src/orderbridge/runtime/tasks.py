"""The Celery task: run one job of one integration, by ids. A worker process keeps one store
(a connection pool shared by its threads); each task opens the integration's context (its HTTP
clients) and closes it after, so a worker serves any number of merchants."""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Celery
from sqlalchemy import select

from orderbridge.runtime.celery_app import RUN_JOB
from orderbridge.runtime.jobs import JOBS, run_with_follow_ups
from orderbridge.settings import Settings, load_settings
from orderbridge.store import Store, open_store
from orderbridge.store.tables import Integration
from orderbridge.workflows.context import open_context

log = logging.getLogger(__name__)
TRIGGER = "worker"

_store: Store | None = None
_store_lock = threading.Lock()


def worker_store(settings: Settings) -> Store:
    """The process's store, opened (and migrated) on the first task."""
    global _store
    with _store_lock:
        if _store is None:
            _store = open_store(settings, pool_size=20, max_overflow=20)
        return _store


def run_integration_job(settings: Settings, integration_id: int, job: str) -> dict[str, Any]:
    """Run ``job`` of the integration with this id; what it did, as JSON (never raises for a
    job's failure: `run_job` reports it)."""
    if job not in JOBS:
        return {"job": job, "skipped": f"this version has no {job} job"}
    store = worker_store(settings)
    with store.session() as session:
        name = session.scalar(select(Integration.name).where(Integration.id == integration_id))
    if name is None:
        return {"job": job, "skipped": f"integration #{integration_id} no longer exists"}
    ctx = open_context(store, settings, name)
    try:
        outcome, *follow_ups = run_with_follow_ups(ctx, job, trigger=TRIGGER)
    finally:
        ctx.close()
    for ran in (outcome, *follow_ups):
        if ran.error:
            log.warning("%s/%s: %s", name, ran.job, ran.error)
    return {"job": job, "integration": name, "counts": outcome.counts, "error": outcome.error,
            "skipped": outcome.skipped,
            "follow_ups": [{"job": ran.job, "counts": ran.counts, "error": ran.error,
                            "skipped": ran.skipped} for ran in follow_ups]}


def register(app: Celery) -> None:
    @app.task(name=RUN_JOB, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
    def run_job_task(integration_id: int, job: str) -> dict[str, Any]:
        return run_integration_job(load_settings(), int(integration_id), str(job))
