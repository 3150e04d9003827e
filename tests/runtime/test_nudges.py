"""Nudges coalesce: a burst of webhooks costs a couple of runs, never a thread each, and a run
another process holds is tried again a bounded number of times."""

from __future__ import annotations

import threading

from orderbridge.runtime.jobs import JobOutcome
from orderbridge.runtime.nudges import BUSY_TRIES, Nudger


class SlowJob:
    """A job that takes a moment, counting its runs (the edge: what runs, not our code)."""

    def __init__(self, busy_runs: int = 0) -> None:
        self.runs = 0
        self.busy_runs = busy_runs
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, integration: str, job: str) -> JobOutcome:
        self.runs += 1
        self.started.set()
        self.release.wait(5)
        if self.runs <= self.busy_runs:
            return JobOutcome(job, skipped="running in another process", busy=True)
        return JobOutcome(job, {"ran": self.runs})


def test_a_burst_while_a_run_goes_asks_for_one_more_run_only() -> None:
    job = SlowJob()
    nudger = Nudger(job, busy_wait_s=0.01)
    nudger.nudge("shop", "inventory")
    assert job.started.wait(5)
    for _ in range(100):
        nudger.nudge("shop", "inventory")
    job.release.set()
    assert nudger.wait_idle(5)
    assert job.runs == 2
    assert threading.active_count() < 20


def test_a_busy_job_is_tried_again_a_bounded_number_of_times() -> None:
    job = SlowJob(busy_runs=100)
    job.release.set()
    nudger = Nudger(job, busy_wait_s=0.01)
    nudger.nudge("shop", "shipments")
    assert nudger.wait_idle(5)
    assert job.runs == BUSY_TRIES + 1


def test_a_runner_that_raises_ends_quietly() -> None:
    def broken(integration: str, job: str) -> JobOutcome:
        raise RuntimeError("a bug")

    nudger = Nudger(broken)
    nudger.nudge("shop", "deliver")
    assert nudger.wait_idle(5)
