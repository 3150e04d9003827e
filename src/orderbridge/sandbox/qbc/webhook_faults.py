"""Webhook delivery faults for the QBC simulator: drops, duplicates and delays.

A real provider delivers webhooks at least once, not exactly once, and not in order; the hub
must cope (dedupe by `X-Gecko-Delivery`, poll for what never came). Chaos tests set these faults
through `POST /_sandbox/webhook-faults`. Each delivery (one event to one subscription) gets one
draw, made when the event is published, in publication order, so one seed gives the same
faults for the same sequence of deliveries:

- **dropped** (`drop_rate`): never sent and never retried; neither duplicated nor delayed.
- **delayed** (`delay_rate`): the first attempt waits `delay_min_s`..`delay_max_s` (uniform),
  so deliveries published later can overtake it.
- **duplicate** (`duplicate_rate`): right after the first attempt, the same bytes with the same
  delivery id are sent once more, after 0..`duplicate_gap_max_s` (uniform).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

FaultKind = Literal["dropped", "duplicate", "delayed"]
FAULT_KINDS: tuple[FaultKind, ...] = ("dropped", "duplicate", "delayed")
MAX_HOLD_S = 300.0
"""The longest delay or duplicate gap accepted: a held-back delivery is a task in memory."""


class WebhookFaultSettings(BaseModel):
    """What share of webhook deliveries is dropped, duplicated or delayed, and by how much."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    drop_rate: float = Field(default=0, ge=0, le=1)
    duplicate_rate: float = Field(default=0, ge=0, le=1)
    duplicate_gap_max_s: float = Field(default=0.05, ge=0, le=MAX_HOLD_S)
    delay_rate: float = Field(default=0, ge=0, le=1)
    delay_min_s: float = Field(default=0, ge=0, le=MAX_HOLD_S)
    delay_max_s: float = Field(default=0, ge=0, le=MAX_HOLD_S)
    seed: int | None = None

    @model_validator(mode="after")
    def _delay_is_coherent(self) -> Self:
        if self.delay_min_s > self.delay_max_s:
            raise ValueError(f"delay_min_s ({self.delay_min_s:g}) must not exceed "
                             f"delay_max_s ({self.delay_max_s:g})")
        if self.delay_rate > 0 and self.delay_max_s == 0:
            raise ValueError("delay_rate needs a delay: set delay_max_s above 0")
        if self.delay_rate == 0 and self.delay_max_s > 0:
            raise ValueError("delay_min_s/delay_max_s have no effect while delay_rate is 0: "
                             "set delay_rate, the share of deliveries to delay (1 = all)")
        return self


@dataclass(frozen=True)
class WebhookFaultDraw:
    """The faults drawn for one delivery."""

    dropped: bool = False
    delay_s: float | None = None
    """Hold the first attempt back this long; None: not delayed."""
    duplicate_gap_s: float | None = None
    """Send the first attempt again this long after it; None: not duplicated."""


class WebhookFaultInjector:
    """Holds the current webhook fault settings and draws the faults of each delivery."""

    def __init__(self, settings: WebhookFaultSettings | None = None) -> None:
        self._lock = threading.Lock()
        self._settings = settings or WebhookFaultSettings()
        self._rng = random.Random(self._settings.seed)

    @property
    def settings(self) -> WebhookFaultSettings:
        return self._settings

    def update(self, settings: WebhookFaultSettings) -> None:
        """Apply `settings`; the random sequence restarts from their seed."""
        with self._lock:
            self._settings = settings
            self._rng = random.Random(settings.seed)

    def draw(self) -> WebhookFaultDraw:
        with self._lock:
            s, rng = self._settings, self._rng
            if s.drop_rate > 0 and rng.random() < s.drop_rate:
                return WebhookFaultDraw(dropped=True)
            delay_s = None
            if s.delay_rate > 0 and rng.random() < s.delay_rate:
                delay_s = rng.uniform(s.delay_min_s, s.delay_max_s)
            gap_s = None
            if s.duplicate_rate > 0 and rng.random() < s.duplicate_rate:
                gap_s = rng.uniform(0, s.duplicate_gap_max_s)
            return WebhookFaultDraw(delay_s=delay_s, duplicate_gap_s=gap_s)
