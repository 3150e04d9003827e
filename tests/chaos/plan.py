"""How hard one chaos run is: how many orders, how long, how often a process dies, and the
faults each sandbox injects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["embedded", "workers"]


@dataclass(frozen=True)
class ChaosPlan:
    mode: Mode = "embedded"
    orders: int = 120
    seed: int = 1
    skus: int = 30
    scenario_s: float = 25.0
    """How long buyers, the warehouse and the stock keep changing things."""
    settle_s: float = 120.0
    """How long the hub gets afterwards (faults off) to catch up before the checks."""
    kill_every_s: tuple[float, float] = (2.0, 4.0)
    min_kills: int = 6
    restart_after_s: tuple[float, float] = (0.0, 0.6)
    unknown_sku_rate: float = 0.04
    alias_after_s: float = 3.0
    cancel_before_share: float = 0.06
    cancel_after_share: float = 0.06
    ship_share: float = 0.6
    split_share: float = 0.35
    stock_changes_per_tick: int = 2
    tick_s: float = 0.5
    qbc_poll_s: float = 1.0
    """How often the warehouse looks at QBC's orders (a read of all of them: the sandbox
    serves the hub meanwhile, so a large run looks less often)."""
    settle_poll_s: float = 2.0
    # QBC: 5xx, timeouts both sides of the effect, latency spikes, its fixed-window rate
    # limit scaled down (300 per 300 s becomes `rate_limit` per `rate_window_s`) and a
    # neighbour spending the window now and then (unannounced 429s)
    qbc_error_rate: float = 0.04
    qbc_timeout_rate: float = 0.03
    qbc_timeout_before_share: float = 0.5
    spike_rate: float = 0.05
    spike_ms: float = 250.0
    rate_limit: int = 30
    rate_window_s: float = 2.0
    neighbour_every_s: float = 7.0
    # Houzz: 5xx, timeouts, latency spikes and 429 bursts
    houzz_error_rate: float = 0.04
    houzz_timeout_rate: float = 0.02
    houzz_rate_limit: int = 15
    houzz_rate_window_s: float = 1.0
    # QBC's webhooks
    drop_rate: float = 0.15
    duplicate_rate: float = 0.15
    delay_rate: float = 0.2
    delay_max_s: float = 3.0
    client_timeout_s: float = 0.6
    timeout_hold_s: float = 0.8
    workers: int = 2
    worker_concurrency: int = 4
