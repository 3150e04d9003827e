"""When to try a failed delivery again: exponential backoff with jitter, per order, kept in
the store (`next_attempt_at`) so a restart keeps the schedule."""

from __future__ import annotations

import random
from datetime import datetime, timedelta


def next_attempt(now: datetime, attempts: int, base_s: float, cap_s: float,
                 retry_after: float | None = None) -> datetime:
    """After `attempts` failures: base × 2^(attempts-1), capped, ±25 % jitter; at least what
    the remote asked for, but never more than the cap (a `Retry-After` of a year is not
    obeyed for a year)."""
    delay = min(cap_s, base_s * 2.0 ** min(max(attempts - 1, 0), 64))
    delay *= random.uniform(0.75, 1.25)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap_s))
    return now + timedelta(seconds=delay)
