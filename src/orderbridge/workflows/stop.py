"""A stop request that long-running jobs check between steps, so Ctrl-C (or a worker's shutdown)
finishes the current step cleanly instead of tearing a delivery in half."""

from __future__ import annotations

import threading


class StopToken:
    """Set once; checked by jobs between records."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def stop(self) -> None:
        self._event.set()

    @property
    def stopped(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if a stop was requested meanwhile."""
        return self._event.wait(seconds)


def stopped(stop: StopToken | None) -> bool:
    """Whether a stop was asked (no token: never)."""
    return stop is not None and stop.stopped
