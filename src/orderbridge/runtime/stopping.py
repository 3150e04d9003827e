"""A stop request that long-running jobs check between steps, so Ctrl-C finishes the current
step cleanly instead of tearing a delivery in half."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


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


@contextmanager
def stop_on_signals(token: StopToken) -> Iterator[StopToken]:
    """The first Ctrl-C (or SIGTERM) asks to stop; the second one interrupts at once."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum: int, frame: FrameType | None) -> None:
        if token.stopped:
            raise KeyboardInterrupt
        token.stop()

    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield token
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
