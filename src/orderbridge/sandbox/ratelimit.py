"""Fixed, epoch-aligned rate-limit windows, as QuickBooks Commerce counts them.

Every `X-Rate-Limit-Reset` value recorded from the real API is a multiple of 300, so the window
is taken to be fixed and aligned to the epoch (reset = floor(now / window) * window + window),
not sliding. See shared/reference/quickbooks-commerce-api.md section 5.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from orderbridge.clock import Clock, SystemClock


@dataclass(frozen=True)
class RateDecision:
    """What the limiter says about one request."""

    allowed: bool
    limit: int
    remaining: int
    reset_epoch: int


class FixedWindowLimiter:
    """Counts requests per key within fixed windows of `window_s` seconds."""

    def __init__(self, limit: int, window_s: float, clock: Clock | None = None) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("rate limit needs limit >= 1 and window_s > 0")
        self.limit = limit
        self.window_s = window_s
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    def _window_index(self) -> int:
        return math.floor(self._clock.time() / self.window_s)

    def _reset_epoch(self, window_index: int) -> int:
        return math.ceil((window_index + 1) * self.window_s)

    def hit(self, key: str) -> RateDecision:
        """Count one request for `key` and say whether it may proceed."""
        with self._lock:
            index = self._window_index()
            window, used = self._counts.get(key, (index, 0))
            if window != index:
                used = 0
            allowed = used < self.limit
            if allowed:
                used += 1
            self._counts[key] = (index, used)
            return RateDecision(allowed, self.limit, self.limit - used, self._reset_epoch(index))

    def peek(self, key: str) -> RateDecision:
        """The current state for `key` without counting a request."""
        with self._lock:
            index = self._window_index()
            window, used = self._counts.get(key, (index, 0))
            if window != index:
                used = 0
            return RateDecision(used < self.limit, self.limit, self.limit - used,
                                self._reset_epoch(index))
