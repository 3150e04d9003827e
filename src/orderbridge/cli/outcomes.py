"""Job outcomes in words: "new 3, held 1" for the summary table and the log lines.

Built from the outcome's counts generically, so a job added to `JOBS` later is described
without a change here.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from orderbridge.runtime.jobs import JobOutcome

READING_ONLY = frozenset({"pages", "seen"})
"""Counts that say a job looked, not that it did something (no log line for those alone)."""


def did_something(outcome: JobOutcome) -> bool:
    """Whether the run changed or found anything worth a log line."""
    return bool(outcome.error or [key for key, _ in _counted(outcome)
                                  if key not in READING_ONLY])


def _counted(outcome: JobOutcome) -> list[tuple[str, int | float]]:
    return [(key.replace("_", " "), value) for key, value in outcome.counts.items()
            if isinstance(value, int | float) and not isinstance(value, bool) and value]


def describe_outcome(outcome: JobOutcome) -> str:
    """What the job did, e.g. "new 3, held 1"; or why it did not run."""
    if outcome.skipped:
        return f"skipped ({outcome.skipped})"
    counted = ", ".join(f"{key} {value}" for key, value in _counted(outcome))
    if outcome.error:
        return counted or "stopped by an error"
    return counted or "nothing to do"


def summary_table(rows: list[tuple[str, JobOutcome]]) -> Table:
    """One row per (integration, job) run."""
    table = Table(title="sync --once")
    for column in ("integration", "job", "what it did", "error"):
        table.add_column(column)
    for name, outcome in rows:
        table.add_row(Text(name), outcome.job, Text(describe_outcome(outcome)),
                      Text(outcome.error or "", style="red"))
    return table
