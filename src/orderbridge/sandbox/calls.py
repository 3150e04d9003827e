"""The log of API calls a simulator received, read back through `GET /_sandbox/calls`.

Tests and benchmarks count remote calls from this log (the budgets are part of the product's
promise), so every API request is recorded, including the ones a fault answered.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class CallRecord:
    """One API request as the simulator saw it."""

    method: str
    path: str
    query: str
    status: int
    at: str
    api_method: str | None = None
    fault: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        data.update(extra)
        return data


class CallLog:
    """Append-only, thread-safe record of calls, oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[CallRecord] = []

    def record(self, call: CallRecord) -> None:
        with self._lock:
            self._calls.append(call)

    def snapshot(self) -> list[CallRecord]:
        with self._lock:
            return list(self._calls)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._calls)
