"""Job leases: one holder at a time, taken over only once the holder stops renewing.

Every test runs on SQLite and on PostgreSQL (the ``store`` fixture); times are passed in, so
expiry is tested without waiting.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from orderbridge.store import Store
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.store.leases import holder_of, release, renew, take
from orderbridge.store.tables import JobLease

T0 = datetime(2026, 12, 15, 9, 0, tzinfo=UTC)
TTL = 60.0


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_free_job_is_taken_and_a_live_lease_refused(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        assert holder_of(session, integration_id, "deliver", T0) is None
        assert take(session, integration_id, "deliver", "a", TTL, T0)
    with store.begin() as session:
        assert not take(session, integration_id, "deliver", "b", TTL, at(59))
        found = holder_of(session, integration_id, "deliver", at(59))
    assert found is not None
    assert (found.holder, found.acquired_at, found.expires_at) == ("a", T0, at(60))


def test_an_expired_lease_is_taken_over(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        assert take(session, integration_id, "deliver", "a", TTL, T0)
    with store.begin() as session:
        assert holder_of(session, integration_id, "deliver", at(60)) is None
        assert take(session, integration_id, "deliver", "b", TTL, at(60))
    with store.begin() as session:
        found = holder_of(session, integration_id, "deliver", at(61))
        assert not renew(session, integration_id, "deliver", "a", TTL, at(61))
    assert found is not None and (found.holder, found.acquired_at) == ("b", at(60))


def test_renewing_keeps_the_lease_and_the_time_it_was_taken(store: Store,
                                                            integration_id: int) -> None:
    with store.begin() as session:
        assert take(session, integration_id, "deliver", "a", TTL, T0)
    for second in (20, 40, 60, 80):
        with store.begin() as session:
            assert renew(session, integration_id, "deliver", "a", TTL, at(second), wait_ms=1000)
        with store.begin() as session:
            assert not take(session, integration_id, "deliver", "b", TTL, at(second + 30))
    with store.begin() as session:
        assert take(session, integration_id, "deliver", "a", TTL, at(90))  # taking again: ours
        row = session.scalars(select(JobLease)).one()
    assert (row.holder, row.acquired_at, row.renewed_at, row.expires_at) == (
        "a", T0, at(90), at(150))


def test_release_frees_the_job_only_for_its_holder(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        assert take(session, integration_id, "deliver", "a", TTL, T0)
    with store.begin() as session:
        assert not release(session, integration_id, "deliver", "b")
        assert holder_of(session, integration_id, "deliver", at(1)) is not None
        assert release(session, integration_id, "deliver", "a")
        assert not renew(session, integration_id, "deliver", "a", TTL, at(2))
    with store.begin() as session:
        assert take(session, integration_id, "deliver", "b", TTL, at(2))


def test_leases_are_per_job_and_per_integration(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        other = get_or_create_integration(session, "other").id
        assert take(session, integration_id, "deliver", "a", TTL, T0)
        assert take(session, integration_id, "download", "b", TTL, T0)
        assert take(session, other, "deliver", "c", TTL, T0)
    with store.begin() as session:
        holders = {(row.integration_id, row.job): row.holder
                   for row in session.scalars(select(JobLease))}
    assert holders == {(integration_id, "deliver"): "a", (integration_id, "download"): "b",
                       (other, "deliver"): "c"}


def _winners(store: Store, integration_id: int, job: str, now: datetime,
             contenders: int = 6) -> list[str]:
    """Holders ``h0``.. racing to take ``job`` at ``now``, each on its own connection (as
    processes would), released together by a barrier; those who got it."""
    barrier = threading.Barrier(contenders)
    won: list[str] = []
    errors: list[BaseException] = []

    def contend(holder: str) -> None:
        try:
            barrier.wait(timeout=10)
            with store.begin() as session:
                if take(session, integration_id, job, holder, TTL, now):
                    won.append(holder)
        except BaseException as error:  # re-raised in the test thread
            errors.append(error)

    threads = [threading.Thread(target=contend, args=(f"h{i}",)) for i in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return won


def test_holders_racing_for_a_free_job_get_it_once(store: Store, integration_id: int) -> None:
    for round_ in range(3):
        won = _winners(store, integration_id, f"race-{round_}", T0)
        assert len(won) == 1
        with store.begin() as session:
            found = holder_of(session, integration_id, f"race-{round_}", at(1))
        assert found is not None and found.holder == won[0]


def test_racing_for_an_expired_lease_also_has_one_winner(store: Store,
                                                         integration_id: int) -> None:
    with store.begin() as session:
        assert take(session, integration_id, "deliver", "dead", TTL, T0)
    won = _winners(store, integration_id, "deliver", at(120))
    assert len(won) == 1
    with store.begin() as session:
        found = holder_of(session, integration_id, "deliver", at(121))
    assert found is not None and (found.holder, found.acquired_at) == (won[0], at(120))
