"""Running a job soon because a webhook said there is work, from the process that received
it (the web app), without piling up threads when QBC delivers a burst.

One worker thread per (integration, job) at most: a nudge while it runs only asks for one more
run after this one, so a hundred stock deliveries cost a couple of runs, not a hundred. A run
skipped because another process holds the job's lease is tried again after ``BUSY_WAIT_S``, up
to ``BUSY_TRIES`` times: the other run works off deliveries that arrive while it goes, and the
job's schedule is the safety net for the rest. Every wait is bounded; nothing here raises.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from orderbridge.runtime.jobs import JobOutcome

log = logging.getLogger(__name__)

BUSY_WAIT_S = 2.0
BUSY_TRIES = 5

Runner = Callable[[str, str], JobOutcome]


class Nudger:
    """Runs ``run(integration, job)`` in the background when nudged, coalescing nudges."""

    def __init__(self, run: Runner, *, busy_wait_s: float = BUSY_WAIT_S) -> None:
        self._run = run
        self._busy_wait_s = busy_wait_s
        self._lock = threading.Lock()
        self._again: dict[tuple[str, str], bool] = {}
        self._idle = threading.Condition(self._lock)

    def nudge(self, integration: str, job: str) -> None:
        key = (integration, job)
        with self._lock:
            running = key in self._again
            self._again[key] = True
        if not running:
            threading.Thread(target=self._work, args=(key,), daemon=True,
                             name=f"nudge-{integration}-{job}").start()

    def wait_idle(self, timeout_s: float) -> bool:
        """Until no run is going or asked for (tests, shutdown); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._again, timeout=timeout_s)

    def _work(self, key: tuple[str, str]) -> None:
        busy = 0
        stop = threading.Event()
        while True:
            with self._lock:
                if not self._again.get(key):
                    del self._again[key]
                    self._idle.notify_all()
                    return
                self._again[key] = False
            try:
                outcome = self._run(*key)
            except Exception as exc:  # the run's own failures are outcomes; this is a bug
                log.error("running %s/%s for a webhook failed: %s: %s", *key,
                          type(exc).__name__, exc)
                continue
            if outcome.busy and busy < BUSY_TRIES:
                busy += 1
                with self._lock:
                    self._again[key] = True
                stop.wait(self._busy_wait_s)
