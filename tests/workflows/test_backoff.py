"""When a failed call is tried again: exponential, capped, jittered, never sooner than asked."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderbridge.workflows.backoff import next_attempt

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def delay(attempts: int, base: float = 30, cap: float = 3600,
          retry_after: float | None = None) -> float:
    return (next_attempt(NOW, attempts, base, cap, retry_after) - NOW).total_seconds()


@pytest.mark.parametrize(("attempts", "nominal"), [(0, 30), (1, 30), (2, 60), (3, 120),
                                                   (5, 480), (8, 3600), (40, 3600)])
def test_the_delay_doubles_up_to_the_cap_within_a_quarter(attempts: int, nominal: float) -> None:
    random.seed(attempts)
    got = [delay(attempts) for _ in range(200)]
    assert all(0.75 * nominal <= value <= 1.25 * nominal for value in got)
    assert max(got) - min(got) > 0.2 * nominal  # jittered, not fixed


def test_a_remote_asking_for_a_year_waits_the_cap() -> None:
    assert delay(1, retry_after=365 * 86400) == 3600
    assert delay(1, retry_after=float("inf")) == 3600
    assert delay(10_000) <= 1.25 * 3600  # no overflow however many attempts


def test_the_remote_s_wait_is_a_minimum() -> None:
    assert delay(1, retry_after=500) == 500
    assert delay(1, retry_after=1) >= 22.5  # a shorter ask does not cut the backoff
    assert delay(1, base=0, cap=0) == 0


@given(attempts=st.integers(0, 60), base=st.floats(0, 100), cap=st.floats(0, 10_000),
       retry_after=st.none() | st.floats(0, 10_000))
def test_never_past_the_cap(attempts: int, base: float, cap: float,
                            retry_after: float | None) -> None:
    got = delay(attempts, base, cap, retry_after)
    assert got <= max(1.25 * cap, min(retry_after or 0, cap)) + 1e-6
    assert got >= min(retry_after or 0, cap) - 1e-6
    assert got >= 0
    assert next_attempt(NOW, attempts, base, cap, retry_after) >= NOW - timedelta(seconds=0)
