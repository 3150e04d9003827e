"""The pacer reads the rate-limit headers and waits for the window instead of a 429."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orderbridge.clock import FrozenClock
from orderbridge.connectors.qbc.pacing import RESET_MARGIN_S, RatePacer
from orderbridge.errors import NotSent

START = datetime(2024, 3, 2, 12, 0, tzinfo=UTC)


def _headers(remaining: int, reset: float, limit: int = 300) -> dict[str, str]:
    return {"X-Rate-Limit-Limit": str(limit), "X-Rate-Limit-Remaining": str(remaining),
            "X-Rate-Limit-Reset": str(int(reset))}


def _pacer(reserve: int = 0) -> tuple[RatePacer, FrozenClock, list[float]]:
    clock, slept = FrozenClock(START), []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    return RatePacer(clock=clock, sleep=sleep, reserve=reserve), clock, slept


def test_the_budget_is_unknown_until_an_answer_tells_it() -> None:
    pacer, clock, slept = _pacer()
    assert pacer.available_now() is None
    pacer.before_request()
    pacer.after_response(_headers(remaining=3, reset=clock.time() + 10))
    assert pacer.available_now() == 3
    pacer.before_request()
    assert pacer.available_now() == 2  # counted as soon as it goes out
    assert slept == []


def test_a_spent_window_is_waited_out_and_then_the_limit_is_available() -> None:
    pacer, clock, slept = _pacer()
    reset = clock.time() + 10
    pacer.before_request()
    pacer.after_response(_headers(remaining=0, reset=reset))
    assert pacer.available_now() == 0
    pacer.before_request()
    assert slept == [reset - START.timestamp() + RESET_MARGIN_S]
    assert pacer.available_now() == 299  # a new window: its limit, less the request going out


def test_the_reserve_is_kept_back() -> None:
    pacer, clock, _ = _pacer(reserve=5)
    pacer.before_request()
    pacer.after_response(_headers(remaining=7, reset=clock.time() + 10))
    assert pacer.available_now() == 2
    pacer.after_response(_headers(remaining=3, reset=clock.time() + 10))
    assert pacer.available_now() == 0


def test_a_window_that_reset_while_idle_offers_its_whole_limit() -> None:
    pacer, clock, _ = _pacer()
    pacer.before_request()
    pacer.after_response(_headers(remaining=2, reset=clock.time() + 10, limit=4))
    assert pacer.available_now() == 2
    clock.advance(11)
    assert pacer.available_now() == 4


def test_no_wait_is_longer_than_max_wait() -> None:
    pacer, clock, slept = _pacer()
    pacer.max_wait_s = 60
    pacer.after_response(_headers(0, clock.time() + 10 * 365 * 86400))  # years ahead
    with pytest.raises(NotSent, match="longer than max_wait_s"):
        pacer.before_request()
    with pytest.raises(NotSent, match="Retry-After"):
        pacer.wait_until_reset(86400)
    assert slept == []
    pacer.wait_until_reset(30)  # within the bound: waited
    assert slept == [30]


@pytest.mark.parametrize("figure", ["1e400", "inf", "-inf", "nan", "many", ""])
def test_a_rate_limit_header_that_is_no_finite_number_is_ignored(figure: str) -> None:
    # found by the fuzz campaign: "1e400" raised OverflowError out of the client
    pacer, clock, slept = _pacer()
    for name in ("X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "X-Rate-Limit-Limit"):
        headers = _headers(remaining=5, reset=clock.time() + 10)
        pacer.before_request()
        pacer.after_response({**headers, name: figure})
    pacer.before_request()
    assert slept == []
