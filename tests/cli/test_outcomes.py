"""How job outcomes read in the summary table and the log."""

from __future__ import annotations

from orderbridge.cli.outcomes import describe_outcome, did_something
from orderbridge.runtime.jobs import JobOutcome


def test_counts_are_described_generically() -> None:
    outcome = JobOutcome("download", {"pages": 1, "seen": 4, "new": 3, "held": 0,
                                      "skipped_closed": 2, "paused": False})
    assert describe_outcome(outcome) == "pages 1, seen 4, new 3, skipped closed 2"
    assert did_something(outcome)


def test_looking_is_not_doing() -> None:
    outcome = JobOutcome("download", {"pages": 1, "seen": 4, "new": 0})
    assert describe_outcome(outcome) == "pages 1, seen 4"
    assert not did_something(outcome)
    assert describe_outcome(JobOutcome("deliver", {"delivered": 0})) == "nothing to do"


def test_errors_and_skips() -> None:
    failed = JobOutcome("deliver", {"delivered": 2}, error="QuickBooks Commerce: timed out")
    assert describe_outcome(failed) == "delivered 2" and did_something(failed)
    assert describe_outcome(JobOutcome("deliver", error="boom")) == "stopped by an error"
    skipped = JobOutcome("deliver", skipped="integration paused: bad token")
    assert describe_outcome(skipped) == "skipped (integration paused: bad token)"
    assert not did_something(skipped)
