"""The scale-out mode's Celery app: the same job functions as the embedded mode, run by any
number of workers from a Redis broker.

Delivery settings are the ones that keep a job from being lost: a task is acknowledged only
when it has run (``acks_late``), a task whose worker died is given back to the queue
(``task_reject_on_worker_lost``), and a worker takes one task at a time per slot
(``worker_prefetch_multiplier = 1``) so a slow merchant never holds others' tasks in its buffer.
Tasks take ids only (JSON) and are idempotent: a job runs under its database lease
(`runtime.lease`), so a task delivered twice, or enqueued by two schedulers, runs the job once at a
time, and every outbound effect is exactly once by the store's own protocol.
"""

from __future__ import annotations

from celery import Celery

from orderbridge.settings import Settings

RUN_JOB = "orderbridge.run_job"
VISIBILITY_TIMEOUT_S = 3600
"""Redis gives an unacknowledged task to another worker after this long (a worker killed as a
whole cannot give it back). A job is also enqueued again at its next turn anyway."""


def make_celery(settings: Settings) -> Celery:
    app = Celery("orderbridge", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_backend=None,
        task_ignore_result=True, task_acks_late=True, task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1, broker_connection_retry_on_startup=True,
        broker_connection_timeout=5, broker_transport_options={
            "visibility_timeout": VISIBILITY_TIMEOUT_S, "socket_timeout": 10,
            "socket_connect_timeout": 5},
        worker_hijack_root_logger=False, worker_redirect_stdouts=False,
        task_default_queue="orderbridge",
    )
    from orderbridge.runtime.tasks import register  # the tasks need the app, not the reverse

    register(app)
    return app
