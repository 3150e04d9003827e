"""`orderbridge sync` without `--once`: the embedded scheduler, until Ctrl-C.

Each (integration, job) runs every `<job>_every_s` seconds of the integration's config (read
again after every run, so `config set deliver_every_s 30` takes effect without a restart; a job
with no such setting runs every `DEFAULT_EVERY_S`); a download that found new orders is followed
at once by a delivery (`runtime.jobs.FOLLOW_UPS`). One log line per run that did something.
The first Ctrl-C (or SIGTERM) lets the current step finish and says so; a second one interrupts.
A paused integration stays scheduled (its jobs skip) so `orderbridge resume` from another shell
takes effect at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from orderbridge.cli.common import fail
from orderbridge.cli.outcomes import describe_outcome, did_something
from orderbridge.logs import configure_logging
from orderbridge.runtime.jobs import JobOutcome, run_with_follow_ups
from orderbridge.runtime.scheduler import ScheduledJob, Scheduler
from orderbridge.runtime.schedules import every_s as interval
from orderbridge.runtime.stopping import stop_on_signals
from orderbridge.settings import Settings
from orderbridge.store import Store
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.stop import StopToken

log = logging.getLogger("orderbridge.sync")

Checker = Callable[[Store, str], tuple[str, bool] | None]


class AnnouncedStop(StopToken):
    """A stop token that logs the first request, so the merchant knows Ctrl-C was heard."""

    def stop(self) -> None:
        if not self.stopped:
            log.info("Stop requested: finishing the current step (Ctrl-C again to interrupt)")
        super().stop()


def setup_logging(settings: Settings) -> None:
    """Log lines to stderr: time, level, message (or JSON: `orderbridge.logs`)."""
    configure_logging(settings)


class Reporter:
    """One log line per run that did something; a skip is logged when it starts or changes."""

    def __init__(self) -> None:
        self._skipped: dict[tuple[str, str], str | None] = {}

    def report(self, integration: str, outcome: JobOutcome) -> None:
        key = (integration, outcome.job)
        if outcome.skipped:
            if self._skipped.get(key) != outcome.skipped:
                log.warning("%s/%s: %s", integration, outcome.job, describe_outcome(outcome))
        elif outcome.error:
            log.warning("%s/%s: %s; error: %s", integration, outcome.job,
                        describe_outcome(outcome), outcome.error)
        elif did_something(outcome):
            log.info("%s/%s: %s", integration, outcome.job, describe_outcome(outcome))
        self._skipped[key] = outcome.skipped


def _scheduled(ctx: IntegrationContext, name: str, stop: StopToken,
               reporter: Reporter, first: JobOptions, names: list[str]) -> ScheduledJob:
    job = ScheduledJob(f"{ctx.name}/{name}", interval(ctx.config, name), run=lambda: None)
    pending = [first]  # options for the first run only (e.g. --full); later runs are plain

    def run() -> None:
        options = pending.pop() if pending else JobOptions()
        for outcome in run_with_follow_ups(ctx, name, stop, options, allowed=names):
            reporter.report(ctx.name, outcome)
        job.every_s = interval(ctx.config, name)  # run_job reloaded the config

    job.run = run
    return job


def run_forever(store: Store, settings: Settings, targets: list[str], names: list[str],
                cannot_run: Checker, first: JobOptions | None = None) -> int:
    """Run the jobs on their schedules until stopped; the exit code."""
    setup_logging(settings)
    contexts: list[IntegrationContext] = []
    for name in targets:
        problem = cannot_run(store, name)
        if problem is not None and not problem[1]:
            fail(problem[0])
        if problem is not None:
            log.warning("%s (its jobs are skipped until then)", problem[0])
        contexts.append(open_context(store, settings, name))
    stop = AnnouncedStop()
    reporter = Reporter()
    jobs = [_scheduled(ctx, name, stop, reporter, first or JobOptions(), names)
            for ctx in contexts for name in names]
    plan = ", ".join(f"{job.name} every {job.every_s:g}s" for job in jobs)
    log.info("Sync running: %s. Ctrl-C stops after the current step.", plan)
    try:
        with stop_on_signals(stop):
            Scheduler(jobs, stop).run_forever()
    finally:
        for ctx in contexts:
            ctx.close()
    log.info("Stopped cleanly.")
    return 0
