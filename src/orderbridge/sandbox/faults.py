"""Fault injection for the simulators: latency (and spikes of it), server errors, timeouts and
rate limits.

Set through `POST /_sandbox/faults`. A *timeout* fault holds the answer back for `timeout_hold_s`
so the client gives up. By default (`timeout_mode` "after") the request has been carried out
before the answer is held back: the nastiest case for exactly-once delivery, because the effect
happened but the client never heard of it. Mode "before" holds the request back and then answers
504 without carrying it out.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RateLimitSettings(BaseModel):
    """Requests allowed per fixed, epoch-aligned window."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(ge=1)
    window_s: float = Field(gt=0)


class FaultSettings(BaseModel):
    """The faults a simulator injects into its API calls (never into /_sandbox/ calls)."""

    model_config = ConfigDict(extra="forbid")

    latency_ms: float = Field(default=0, ge=0)
    spike_rate: float = Field(default=0, ge=0, le=1)
    """Share of requests held ``spike_ms`` longer than ``latency_ms`` (a slow moment)."""
    spike_ms: float = Field(default=0, ge=0)
    error_rate: float = Field(default=0, ge=0, le=1)
    error_status: int = Field(default=500, ge=500, le=599)
    timeout_rate: float = Field(default=0, ge=0, le=1)
    timeout_hold_s: float = Field(default=30, ge=0)
    timeout_mode: Literal["after", "before"] = "after"
    rate_limit: RateLimitSettings | None = None
    seed: int | None = None


@dataclass(frozen=True)
class FaultDraw:
    """The faults drawn for one request."""

    latency_s: float
    error: bool
    timeout: bool
    spike: bool = False


class FaultInjector:
    """Holds the current fault settings and draws faults for each request."""

    def __init__(self, settings: FaultSettings | None = None) -> None:
        self._lock = threading.Lock()
        self._settings = settings or FaultSettings()
        self._rng = random.Random(self._settings.seed)

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def update(self, settings: FaultSettings) -> None:
        with self._lock:
            self._settings = settings
            self._rng = random.Random(settings.seed)

    def draw(self) -> FaultDraw:
        with self._lock:
            s = self._settings
            error = s.error_rate > 0 and self._rng.random() < s.error_rate
            timeout = not error and s.timeout_rate > 0 and self._rng.random() < s.timeout_rate
            spike = s.spike_rate > 0 and self._rng.random() < s.spike_rate
            latency_ms = s.latency_ms + (s.spike_ms if spike else 0)
            return FaultDraw(latency_s=latency_ms / 1000, error=error, timeout=timeout,
                             spike=spike)
