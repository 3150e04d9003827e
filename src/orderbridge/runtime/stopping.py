"""Turning Ctrl-C and SIGTERM into a stop request the jobs honour (`workflows.stop`)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from orderbridge.workflows.stop import StopToken

__all__ = ["StopToken", "stop_on_signals"]


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
