"""A rig that kills the sync process at random moments and checks exactly-once delivery.

Shared by `tests/workflows/test_crash.py` (small) and `bench/crash.py` (large). The sandboxes run in
the calling process, so they survive every kill; the hub runs as a separate process
(`orderbridge sync --once --integration crash`) on a store both processes open. Each run is
SIGKILLed at a random, seeded moment (after some deliveries have started, when a delivery
stalls, or after a plain delay) and restarted, until enough kills have happened; then runs go
unharmed until every order is delivered or the deadline passes. The verdict compares three
truths: the orders Houzz has, the orders QBC holds (by `reference_number`), and the store."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
from sqlalchemy import func, select, text

from orderbridge.model import OrderStatus
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import Store, integrations, open_store
from orderbridge.store.credentials import save_credentials
from orderbridge.store.tables import Order, OrderEvent
from orderbridge.workflows.context import open_context

FOUND_BY_LOOKUP = "found in QuickBooks Commerce after an interrupted delivery"
NEIGHBOUR_MARK = "neighbour=1"
INTEGRATION = "crash"
POLL_S = 0.02
SENDS = text("SELECT count(*) FROM order_events WHERE kind = 'sending'")


def sync_command(name: str) -> list[str]:
    """The command that runs one sync cycle of integration `name`: the real CLI."""
    return [sys.executable, "-m", "orderbridge", "sync", "--once", "--integration", name]


@dataclass(frozen=True)
class CrashPlan:
    """What to do to the sync process, and how hard the QBC sandbox fights back."""

    orders: int = 120
    seed: int = 1
    min_kills: int = 8
    max_kills: int = 30
    time_kill_share: float = 0.15
    stall_kill_share: float = 0.35
    stall_s: float = 0.12
    kill_after_s: tuple[float, float] = (1.0, 3.0)
    max_sends_before_kill: int = 25
    kill_jitter_s: float = 0.3
    deadline_s: float = 45.0
    error_rate: float = 0.08
    timeout_rate: float = 0.06
    client_timeout_s: float = 0.3
    timeout_hold_s: float = 0.45
    rate_limit: int = 40
    rate_window_s: float = 2.0
    neighbour_share: float = 0.5
    houzz_page_size: int = 50


@dataclass
class CrashOutcome:
    """What happened and what was found at the end."""

    plan: CrashPlan
    command: list[str]
    orders: int = 0
    runs: int = 0
    kills: int = 0
    restarts: int = 0
    converged: bool = False
    duplicates: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    wrong_in_store: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    recovered_by_lookup: int = 0
    lookups: int = 0
    posts: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    rate_limited: int = 0
    wall_s: float = 0.0
    history: list[str] = field(default_factory=list)
    last_stderr: str = ""

    @property
    def ok(self) -> bool:
        return (self.converged and not self.duplicates and not self.missing
                and not self.unexpected and not self.wrong_in_store)

    def describe(self) -> str:
        """Everything needed to understand (and replay) a failure."""
        plan = self.plan
        lines = [
            f"crash run: seed={plan.seed} orders={plan.orders} plan={plan}",
            f"command: {' '.join(self.command[:3])} ...",
            f"runs={self.runs} kills={self.kills} converged={self.converged} "
            f"wall={self.wall_s:.1f}s statuses={self.statuses}",
            f"duplicates={self.duplicates} missing={self.missing[:10]} "
            f"unexpected={self.unexpected[:10]} wrong_in_store={self.wrong_in_store[:10]}",
            f"recovered_by_lookup={self.recovered_by_lookup} lookups={self.lookups} "
            f"posts={self.posts} faults={self.faults} 429s={self.rate_limited}",
            "sequence: " + ", ".join(self.history),
        ]
        if self.last_stderr:
            lines.append("last stderr of the sync process:\n" + self.last_stderr[-3000:])
        return "\n".join(lines)


def run_crash(pair: SandboxPair, settings: Settings, plan: CrashPlan,
              log: Callable[[str], None] | None = None) -> CrashOutcome:
    """Place the orders, then kill and restart the sync process until every order is in QBC."""
    store = open_store(settings)
    try:
        placed = _prepare(pair, store, settings, plan)
        outcome = CrashOutcome(plan, sync_command(INTEGRATION), orders=len(placed))
        neighbour = Neighbour(pair)
        try:
            _crash_loop(store, settings, plan, outcome, log or (lambda _: None), neighbour)
        finally:
            neighbour.close()
        _verdict(pair, store, placed, outcome)
    finally:
        store.close()
        pair.set_faults("qbc")
    return outcome


def _prepare(pair: SandboxPair, store: Store, settings: Settings,
             plan: CrashPlan) -> list[str]:
    pair.reset()
    pair.seed(50, seed=plan.seed)
    placed: list[str] = pair.control("houzz", "orders", {"count": plan.orders})["order_ids"]
    ctx = open_context(store, settings, INTEGRATION, create=True)
    config = {"qbc_timeout_s": plan.client_timeout_s, "houzz_page_size": plan.houzz_page_size,
              "retry_base_s": 0.1, "retry_cap_s": 1.0, "retry_max_attempts": 10_000}
    with store.begin() as session:
        save_credentials(session, ctx.integration_id, "houzz", dict(HOUZZ_CREDENTIALS), ctx.box,
                         base_url=pair.houzz_url)
        save_credentials(session, ctx.integration_id, "qbc", {"token": QBC_TOKEN}, ctx.box,
                         base_url=pair.qbc_url)
        for key, value in config.items():
            integrations.set_setting(session, ctx.integration_id, key, str(value))
    pair.set_faults("qbc", error_rate=plan.error_rate, error_status=503,
                    timeout_rate=plan.timeout_rate, timeout_hold_s=plan.timeout_hold_s,
                    timeout_mode="after", seed=plan.seed,
                    rate_limit={"limit": plan.rate_limit, "window_s": plan.rate_window_s})
    return placed


def sync_environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERBRIDGE_")}
    env["ORDERBRIDGE_HOME"] = str(settings.home)
    env["ORDERBRIDGE_DATABASE_URL"] = settings.database_url
    assert settings.secret_key is not None, "the rig needs an explicit secret key"
    env["ORDERBRIDGE_SECRET_KEY"] = settings.secret_key.get_secret_value()
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[3] / "src"),
                                         env.get("PYTHONPATH", "")])
    return env


def _crash_loop(store: Store, settings: Settings, plan: CrashPlan, outcome: CrashOutcome,
                log: Callable[[str], None], neighbour: Neighbour) -> None:
    rng = random.Random(plan.seed)
    env = sync_environment(settings)
    started = time.monotonic()
    deadline = started + plan.deadline_s
    while time.monotonic() < deadline:
        killing = outcome.kills < plan.min_kills or (
            outcome.kills < plan.max_kills and _recovered(store) == 0)
        left = outcome.orders - _delivered(store)
        trigger = _draw_trigger(rng, plan, left) if killing else None
        burst_after = rng.randint(0, int(trigger[1]) if trigger[0] == "sends" else 5) if (
            trigger is not None and rng.random() < plan.neighbour_share) else None
        process = subprocess.Popen(outcome.command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        outcome.runs += 1
        outcome.restarts = outcome.runs - 1
        run_started = time.monotonic()
        fired = _wait(process, store, trigger, deadline, burst_after, neighbour)
        took = f"({time.monotonic() - run_started:.1f}s)"
        if fired is not None:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            if fired == "deadline":
                outcome.history.append("deadline")
                break
            outcome.kills += 1
            outcome.history.append(fired + took)
            log(f"run {outcome.runs}: {fired}{took}")
            continue
        stderr = process.communicate()[1]
        outcome.history.append(f"exit{process.returncode}{took}")
        if process.returncode != 0 or "Traceback" in stderr:
            outcome.last_stderr = stderr
        if "Traceback" in stderr:
            break  # the sync process crashed by itself: a bug, not a fault to ride out
        if _all_delivered(store, outcome.orders):
            outcome.converged = True
            break
        time.sleep(0.05)  # orders waiting for their retry time
    outcome.wall_s = time.monotonic() - started


class Neighbour:
    """Another user of the same QBC app budget: spends what is left of the current window, so
    the sync process meets 429s its pacer could not foresee."""

    def __init__(self, pair: SandboxPair) -> None:
        self._http = httpx.Client(base_url=pair.qbc_url, timeout=5,
                                  headers={"Authorization": f"Bearer {QBC_TOKEN}"})

    def spend_window(self, most: int, within_s: float = 1.0) -> None:
        until = time.monotonic() + within_s
        for _ in range(most):
            if time.monotonic() > until:
                return
            try:
                response = self._http.get(f"/accounts/current?{NEIGHBOUR_MARK}")
            except httpx.TransportError:
                continue
            if response.status_code == 429:
                return

    def close(self) -> None:
        self._http.close()


def _draw_trigger(rng: random.Random, plan: CrashPlan, left: int) -> tuple[str, float, float]:
    """When to kill: after `n` more deliveries have started (plus a random delay, to land
    anywhere in a POST and its commit; `n` small enough to come before the `left` orders run
    out); or when a delivery has made no progress for a while (QBC is withholding an answer,
    the client backs off after a 5xx, the pacer waits for the window); or, now and then, after
    a plain delay (startup, download, the variant index)."""
    draw = rng.random()
    if draw < plan.time_kill_share:
        return ("time", rng.uniform(*plan.kill_after_s), 0.0)
    if draw < plan.time_kill_share + plan.stall_kill_share:
        return ("stall", plan.stall_s, 0.0)
    most = max(1, min(plan.max_sends_before_kill, left // 2))
    return ("sends", float(rng.randint(1, most)), rng.uniform(0, plan.kill_jitter_s))


def _wait(process: subprocess.Popen[str], store: Store, trigger: tuple[str, float, float] | None,
          deadline: float, burst_after: int | None, neighbour: Neighbour) -> str | None:
    """Wait for the process to exit (None) or for the trigger (a description of the kill);
    let the neighbour spend the window's budget once `burst_after` deliveries have started."""
    started = time.monotonic()
    baseline = last = _sends(store) if trigger is not None or burst_after is not None else 0
    last_change = started
    suffix = ""
    while process.poll() is None:
        now = time.monotonic()
        sends = _sends(store) if trigger is not None or burst_after is not None else 0
        if sends != last:
            last, last_change = sends, now
        if now >= deadline:
            return "deadline"
        if burst_after is not None and sends - baseline >= burst_after:
            neighbour.spend_window(most=10_000)
            burst_after, suffix = None, "+429s"
        if trigger is not None:
            kind, amount, jitter = trigger
            if kind == "time" and now - started >= amount:
                return f"kill@{amount:.2f}s{suffix}"
            if kind == "sends" and sends - baseline >= amount:
                time.sleep(jitter)
                return f"kill@send+{int(amount)}+{jitter * 1000:.0f}ms{suffix}"
            if kind == "stall" and sends > baseline and now - last_change >= amount:
                return f"kill@stall-after-send+{sends - baseline}{suffix}"
        time.sleep(POLL_S)
    return None


def _sends(store: Store) -> int:
    """Deliveries started so far (polled often: plain SQL, no ORM session)."""
    with store.engine.connect() as connection:
        return int(connection.execute(SENDS).scalar_one())


def _recovered(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(OrderEvent).where(
            OrderEvent.kind == "delivered",
            func.lower(OrderEvent.message).contains(FOUND_BY_LOOKUP.lower()))) or 0


def _delivered(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Order).where(
            Order.status == OrderStatus.AT_WMS)) or 0


def _all_delivered(store: Store, expected: int) -> bool:
    with store.session() as session:
        rows = session.execute(select(Order.status, func.count()).group_by(Order.status)).all()
    counts = {status: count for status, count in rows}
    return counts.get(OrderStatus.AT_WMS, 0) == expected and sum(counts.values()) == expected


def _verdict(pair: SandboxPair, store: Store, placed: list[str], outcome: CrashOutcome) -> None:
    qbc_orders = _get(pair, f"{pair.qbc_url}/_sandbox/orders")["orders"]
    houzz_ids = {o["OrderId"] for o in _get(pair, f"{pair.houzz_url}/_sandbox/orders")["orders"]}
    assert houzz_ids == set(placed)
    per_reference = Counter(o["reference_number"] for o in qbc_orders)
    qbc_id = {o["reference_number"]: str(o["id"]) for o in qbc_orders}
    outcome.duplicates = {ref: n for ref, n in per_reference.items() if n > 1}
    outcome.missing = sorted(houzz_ids - set(per_reference))
    outcome.unexpected = sorted(set(per_reference) - houzz_ids)
    with store.session() as session:
        stored = list(session.scalars(select(Order)))
        for order in stored:
            outcome.statuses[order.status.value] = outcome.statuses.get(order.status.value, 0) + 1
            if (order.status is not OrderStatus.AT_WMS
                    or order.warehouse_order_id != qbc_id.get(order.channel_order_id)):
                outcome.wrong_in_store.append(
                    f"{order.channel_order_id}: {order.status.value} "
                    f"warehouse_order_id={order.warehouse_order_id} "
                    f"qbc={qbc_id.get(order.channel_order_id)}")
        outcome.wrong_in_store += [f"{ref}: not in the store" for ref in
                                   sorted(houzz_ids - {o.channel_order_id for o in stored})]
    outcome.recovered_by_lookup = _recovered(store)
    calls = [c for c in pair.calls("qbc") if NEIGHBOUR_MARK not in (c["query"] or "")]
    outcome.lookups = sum(1 for c in calls if c["method"] == "GET" and c["path"] == "/orders"
                          and "reference_number" in unquote(c["query"] or ""))
    outcome.posts = sum(1 for c in calls if c["method"] == "POST" and c["path"] == "/orders")
    outcome.faults = dict(Counter(c["fault"] for c in calls if c["fault"]))
    outcome.rate_limited = sum(1 for c in calls if c["status"] == 429)


def _get(pair: SandboxPair, url: str) -> Any:
    response = pair._control.get(url)
    response.raise_for_status()
    return response.json()
