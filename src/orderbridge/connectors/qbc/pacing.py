"""Pacing QBC calls from the `X-Rate-Limit-*` headers so the hub never provokes a 429.

QBC allows 300 requests per 300 s per application and account, in fixed windows whose reset
time every response announces (reference §5). The pacer remembers the last `Remaining` and
`Reset` it saw; when the budget of the current window is spent it waits for the reset instead
of sending a request that would be refused. Shared by every thread using one client.

No wait is longer than ``max_wait_s``: a reset announced hours (or years) ahead, or a
`Retry-After: 86400`, ends the call with ``NotSent`` (a transient error) saying so, and the next run
tries again, instead of holding every later call of the job until then.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from orderbridge.clock import Clock, SystemClock
from orderbridge.connectors.qbc.errors import SYSTEM
from orderbridge.errors import NotSent

RESET_MARGIN_S = 0.05


@dataclass
class Budget:
    """What the last response said about the current window."""

    limit: int | None = None
    remaining: int | None = None
    reset_epoch: float | None = None


class RatePacer:
    """Waits before a request when the window's budget is spent."""

    def __init__(self, clock: Clock | None = None,
                 sleep: Callable[[float], None] | None = None, reserve: int = 0,
                 max_wait_s: float = 300.0) -> None:
        self._clock = clock or SystemClock()
        self._sleep = sleep or _default_sleep
        self._reserve = reserve
        self.max_wait_s = max_wait_s
        self._lock = threading.Lock()
        self.budget = Budget()
        self._in_flight = 0
        self.waited_s = 0.0

    def before_request(self) -> None:
        """Block until a request may be sent without exceeding the window."""
        while True:
            with self._lock:
                wait = self._wait_needed()
                if wait <= 0:
                    self._in_flight += 1
                    if self.budget.remaining is not None:
                        self.budget.remaining -= 1
                    return
            self._bounded(wait, "X-Rate-Limit-Reset")
            self.waited_s += wait
            self._sleep(wait)

    def available_now(self) -> int | None:
        """How many requests may go now without waiting for a window to reset: what is left of
        the current window, or once it has reset a whole window's limit (less the requests
        still in flight); ``None`` before any answer has told the budget."""
        with self._lock:
            budget = self.budget
            window_over = budget.reset_epoch is None or self._clock.time() >= budget.reset_epoch
            if budget.remaining is not None and not window_over:
                return max(budget.remaining - self._reserve, 0)
            if budget.limit is None:
                return None
            return max(budget.limit - self._in_flight - self._reserve, 0)

    def _wait_needed(self) -> float:
        budget = self.budget
        if budget.remaining is None or budget.reset_epoch is None:
            return 0.0
        now = self._clock.time()
        if now >= budget.reset_epoch:
            budget.remaining = None  # a new window; the next answer tells its budget
            return 0.0
        if budget.remaining > self._reserve:
            return 0.0
        return budget.reset_epoch - now + RESET_MARGIN_S

    def after_response(self, headers: Mapping[str, str]) -> None:
        """Learn the budget from a response's headers."""
        with self._lock:
            self._in_flight = max(self._in_flight - 1, 0)
            remaining = _int(headers.get("X-Rate-Limit-Remaining"))
            reset = _int(headers.get("X-Rate-Limit-Reset"))
            if remaining is None or reset is None:
                return
            if self.budget.reset_epoch is not None and reset < self.budget.reset_epoch:
                return  # a late answer from a window already over
            # Answers to requests still in flight will each take one more from the window.
            self.budget = Budget(_int(headers.get("X-Rate-Limit-Limit")),
                                 remaining - self._in_flight, float(reset))

    def wait_until_reset(self, retry_after: float | None) -> None:
        """After a 429: sleep until the window resets (or as long as the remote asked)."""
        with self._lock:
            reset = self.budget.reset_epoch
            now = self._clock.time()
            wait = retry_after if retry_after is not None else (
                (reset - now + RESET_MARGIN_S) if reset and reset > now else 1.0)
            self.budget.remaining = None
        self._bounded(wait, "Retry-After" if retry_after is not None else "X-Rate-Limit-Reset")
        self.waited_s += wait
        self._sleep(max(wait, 0.0))

    def _bounded(self, wait: float, told_by: str) -> None:
        if wait > self.max_wait_s:
            raise NotSent(SYSTEM, f"the rate limit asks to wait {wait:.0f} s ({told_by}), "
                                 f"longer than max_wait_s ({self.max_wait_s:g} s); this run "
                                 "stops here and the next one tries again", status=429)


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except (ValueError, OverflowError):  # not a number, or an infinite one ("1e400")
        return None


def _default_sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)
