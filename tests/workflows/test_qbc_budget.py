"""The QBC rate budget read from the job history: recorded counts taken at their word, the
others estimated from what each job counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orderbridge.store import Store, job_runs
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.workflows.qbc_budget import budget_used, qbc_calls_of

NOW = datetime(2024, 3, 30, 12, 0, tzinfo=UTC)


def test_each_job_counts_its_qbc_calls() -> None:
    assert qbc_calls_of("inventory", {"pages": 3, "pushed": 900}) == (3, False)
    assert qbc_calls_of("deliver", {"delivered": 5, "recovered": 1, "retrying": 2,
                                    "held": 4, "paused": False}) == (8, False)
    assert qbc_calls_of("shipments", {"fulfillments": 251}) == (2, False)
    assert qbc_calls_of("cancellations", {"voided": 2, "houzz_calls": 7}) == (2, False)
    assert qbc_calls_of("download", {"new": 40}) == (0, True)  # Houzz only
    assert qbc_calls_of("deliver", {"delivered": 5, "qbc_calls": 7}) == (7, True)
    assert qbc_calls_of("deliver", {"delivered": "5", "retrying": -1}) == (0, False)


def test_the_window_is_the_last_300_seconds(store: Store) -> None:
    with store.begin() as session:
        integration = get_or_create_integration(session).id
        other = get_or_create_integration(session, "other").id

        def run(job: str, ended_s_ago: float, counts: dict[str, int],
                on: int = integration) -> None:
            end = NOW - timedelta(seconds=ended_s_ago)
            job_runs.record_run(session, on, job, started_at=end - timedelta(seconds=5),
                                finished_at=end, counts=counts, error=None, trigger="schedule")

        run("deliver", 301, {"delivered": 100})  # before the window
        run("deliver", 299, {"delivered": 4})
        run("inventory", 10, {"pages": 2})
        run("download", 5, {"new": 4})
        run("deliver", 1, {"delivered": 50}, on=other)
    with store.session() as session:
        budget = budget_used(session, integration, NOW)
        nothing = budget_used(session, integration, NOW + timedelta(hours=1))
    assert (budget.used, budget.allowed, budget.runs, budget.estimated) == (6, 300, 3, True)
    assert budget.percent == 2
    assert (nothing.used, nothing.runs, nothing.estimated) == (0, 0, False)
