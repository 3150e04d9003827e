"""The two ways the demo runs: one cycle (`--once`), or a live stream for a while.

Live: the buyers' thread places orders, the embedded scheduler runs every job of `JOBS` every
few seconds, and the view (`display`) refreshes twice a second. When the time is up the buyers
stop and one last cycle runs, so the summary shows a settled state; a Ctrl-C skips that cycle
(the current step still finishes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.console import Console

from orderbridge.cli.demo.display import display
from orderbridge.cli.demo.feed import EventFeed
from orderbridge.cli.demo.live_view import duration, render
from orderbridge.cli.demo.scenario import Scenario, ScenarioPlan
from orderbridge.cli.demo.snapshot import Observer, Snapshot
from orderbridge.cli.demo.stock_changes import note_stock_pushes
from orderbridge.cli.demo.world import INTEGRATION, DemoWorld
from orderbridge.runtime.jobs import JOBS, JobOutcome, run_job, run_once
from orderbridge.runtime.scheduler import ScheduledJob, Scheduler
from orderbridge.workflows.stop import StopToken

SYNC_EVERY_S = 3.0
REFRESH_S = 0.5
SUMMARY_HELD, SUMMARY_EVENTS = 4, 8
SHIP_ONCE = 4
"""Orders the warehouse ships in `--once`, after the first delivery."""


@dataclass
class DemoRun:
    """One run's inputs and what it has done so far."""

    world: DemoWorld
    console: Console
    orders: int
    seed: int
    feed: EventFeed = field(default_factory=EventFeed)
    last: dict[str, JobOutcome] = field(default_factory=dict)

    def record(self, outcomes: list[JobOutcome]) -> None:
        self.last.update((outcome.job, outcome) for outcome in outcomes)
        note_stock_pushes(self.feed, outcomes)


def run_once_demo(run: DemoRun) -> Snapshot:
    """Place the initial orders, run every job once, print the summary."""
    scenario = Scenario(run.world, run.feed, ScenarioPlan(), run.seed)
    try:
        scenario.place_initial(run.orders)
        run.record(run_once(run.world.ctx, list(JOBS)))
        if scenario.ship_some(SHIP_ONCE):  # the warehouse ships a few; tracking goes to Houzz
            run.record(run_once(run.world.ctx, ["shipments"]))
        if scenario.cancel_some():  # one delivered and one held order canceled on Houzz
            run.record(run_once(run.world.ctx, ["cancellations"]))
        if scenario.change_stock(2):  # a stocktake in QBC; only those SKUs go to Houzz
            run.record(run_once(run.world.ctx, ["inventory"]))
    finally:
        scenario.close()
    return print_summary(run, [f"orderbridge demo --once · integration {INTEGRATION} · "
                               "one cycle of every job"])


def run_live_demo(run: DemoRun, duration_s: float, stop: StopToken) -> Snapshot:
    """Buyers, merchant and sync loop for `duration_s` seconds or until `stop`."""
    plan = ScenarioPlan(fix_after_s=min(20.0, duration_s * 0.4))
    scenario = Scenario(run.world, run.feed, plan, run.seed)
    buyers_stop = StopToken()
    started = time.monotonic()

    def heading() -> list[str]:
        return _heading(run, time.monotonic() - started, duration_s)

    try:
        scenario.place_initial(run.orders)
        buyers = scenario.start(buyers_stop)
        scheduler = Scheduler([_scheduled(run, name, stop) for name in JOBS], stop)
        with display(run.world, run.feed, run.console) as show:
            while not stop.stopped and time.monotonic() - started < duration_s:
                scheduler.run_due()
                show(heading())
                stop.wait(REFRESH_S)
            buyers_stop.stop()
            buyers.join()
            if not stop.stopped:  # settle what the last buyers placed
                run.record(run_once(run.world.ctx, list(JOBS), stop))
                show(heading())
    finally:
        buyers_stop.stop()
        scenario.close()
    ended = "stopped by Ctrl-C" if stop.stopped else "time is up"
    return print_summary(run, [f"orderbridge demo · integration {INTEGRATION} · "
                               f"{duration(time.monotonic() - started)}, {ended}"])


def print_summary(run: DemoRun, heading: list[str]) -> Snapshot:
    observer = Observer(run.world, run.feed)
    try:
        snapshot = observer.snapshot(held_limit=SUMMARY_HELD, event_limit=SUMMARY_EVENTS)
    finally:
        observer.close()
    lines = [*heading, f"last run: {_outcomes(run)}"]
    run.console.print(render(snapshot, heading=lines, compact=False))
    return snapshot


def _scheduled(run: DemoRun, name: str, stop: StopToken) -> ScheduledJob:
    return ScheduledJob(name, SYNC_EVERY_S, lambda: run.record([run_job(run.world.ctx, name,
                                                                         stop)]))


def _heading(run: DemoRun, elapsed: float, total: float) -> list[str]:
    return [f"orderbridge demo · {duration(elapsed)} of {duration(total)} · jobs every "
            f"{SYNC_EVERY_S:g} s · Ctrl-C stops",
            f"last run: {_outcomes(run)}"]


def _outcomes(run: DemoRun) -> str:
    parts = []
    for name, outcome in run.last.items():
        if outcome.error or outcome.skipped:
            parts.append(f"{name}: {outcome.error or outcome.skipped}")
            continue
        counts = [f"{value} {key}" for key, value in outcome.counts.items()
                  if isinstance(value, int) and not isinstance(value, bool) and value]
        parts.append(f"{name}: {', '.join(counts) or 'nothing to do'}")
    return " · ".join(parts) or "no job has run yet"
