"""Running the job that takes an order on, at once, for "Retry now" (the web's
`orderbridge orders retry --now`): `web.run_now` (the lease, the history), its outcome in
words for the flash message or the JSON answer."""

from __future__ import annotations

from orderbridge.runtime.jobs import JobOutcome
from orderbridge.settings import Settings
from orderbridge.store import Store
from orderbridge.web import run_now as jobs_now


def run_now(store: Store, settings: Settings, integration: str, job: str) -> str:
    """Run ``job`` for the integration now; what it did, e.g. "deliver: delivered 1"."""
    if not jobs_now.known_job(job):
        return f"{job}: this version has no {job} job"
    return f"{job}: {described(jobs_now.run_now(store, settings, integration, job))}"


def described(outcome: JobOutcome) -> str:
    """What the run did ("delivered 1, held 1"), why it did not run, or its error."""
    if outcome.skipped:
        return f"skipped ({outcome.skipped})"
    counted = jobs_now.counts_text({key: value for key, value in outcome.counts.items()
                                    if isinstance(value, int | float)
                                    and not isinstance(value, bool)})
    if outcome.error:
        return f"{counted + '; ' if counted != 'nothing to do' else ''}error: {outcome.error}"
    return counted
