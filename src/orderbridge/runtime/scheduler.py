"""The embedded scheduler: runs each integration's jobs on their intervals in one process.

Jobs run one after another; a job that fails is logged and tried again at its next turn, and
never stops the others. Each run holds its job's lease (`runtime.jobs.run_job`,
`runtime.lease`) — a couple of tiny transactions per run — so a second `orderbridge sync` on
the same store skips a job this one is running instead of sending the same orders again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from orderbridge.workflows.stop import StopToken

log = logging.getLogger(__name__)


@dataclass
class ScheduledJob:
    """A job and when it is next due (monotonic seconds)."""

    name: str
    every_s: float
    run: Callable[[], object]
    due: float = 0.0
    failures: int = field(default=0)


class Scheduler:
    """Runs due jobs until stopped."""

    def __init__(self, jobs: list[ScheduledJob], stop: StopToken,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.jobs = jobs
        self._stop = stop
        self._monotonic = monotonic

    def run_due(self) -> list[str]:
        """Run every job that is due now; the names of those run."""
        ran = []
        for job in self.jobs:
            if self._stop.stopped:
                break
            now = self._monotonic()
            if now < job.due:
                continue
            try:
                job.run()
                job.failures = 0
            except Exception:
                job.failures += 1
                log.exception("job %s failed (%d in a row); it runs again at its next turn",
                              job.name, job.failures)
            job.due = self._monotonic() + job.every_s
            ran.append(job.name)
        return ran

    def run_forever(self, on_idle: Callable[[], None] | None = None) -> None:
        while not self._stop.stopped:
            self.run_due()
            if on_idle:
                on_idle()
            next_due = min((job.due for job in self.jobs), default=self._monotonic() + 1)
            self._stop.wait(max(0.05, min(1.0, next_due - self._monotonic())))
