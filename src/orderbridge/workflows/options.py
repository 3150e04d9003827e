"""Options a run of the jobs is given (from `orderbridge sync` flags); each job reads what
concerns it and ignores the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class JobOptions:
    """What was asked of this run."""

    full: bool = False
    """Redo everything instead of only what changed (e.g. re-push every stock level)."""
    webhooks_only: bool = False
    """Work off what QBC's webhooks said, without the polling read (a run a webhook started:
    the read's schedule is the safety net, not this run's business)."""
    since: datetime | None = None
    """Read the channel again from this moment (the download job: an audit found orders the
    hub never downloaded, older than the usual window)."""
