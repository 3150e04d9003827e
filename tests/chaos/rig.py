"""One chaos run, start to end: sandboxes with faults in this process (they survive every
kill), the hub's processes beside it, the world changing (`scenario`) while a killer SIGKILLs
a random hub process every few seconds, then faults off, time to settle, and the checks
(`verdict`) — plus the product's own `orderbridge audit`, which must find nothing either."""

from __future__ import annotations

import json
import random
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select

from orderbridge.model import OrderStatus
from orderbridge.model.outbound import OutboundState
from orderbridge.sandbox.launcher import SandboxPair, start_sandboxes
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_SECRET
from orderbridge.settings import Settings
from orderbridge.store import integrations, open_store
from orderbridge.store.tables import Order
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.integration_config import validated_value
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials
from tests.chaos.hub import HubProcesses, Role, run_cli
from tests.chaos.plan import ChaosPlan
from tests.chaos.scenario import Scenario
from tests.chaos.verdict import Verdict, judge
from tests.workflows.orders.crash_rig import Neighbour

INTEGRATION = "chaos"
Log = Callable[[str], None]


@dataclass
class ChaosOutcome:
    plan: ChaosPlan
    verdict: Verdict = field(default_factory=Verdict)
    audit: dict[str, Any] = field(default_factory=dict)
    kills: Counter[str] = field(default_factory=Counter)
    faults: dict[str, Counter[str]] = field(default_factory=dict)
    webhook_faults: dict[str, int] = field(default_factory=dict)
    world: Counter[str] = field(default_factory=Counter)
    died_by_themselves: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    settled_s: float | None = None
    wall_s: float = 0.0

    @property
    def audit_found(self) -> int:
        return len(self.audit.get("discrepancies") or []) if self.audit else -1

    @property
    def ok(self) -> bool:
        return (self.verdict.ok and self.settled_s is not None and self.audit_found == 0
                and not self.died_by_themselves and not self.tracebacks)

    def describe(self) -> str:
        found = [f"{d['kind']} {d['key']}" for d in self.audit.get("discrepancies") or []]
        lines = [f"chaos run {self.plan.mode}: seed={self.plan.seed} orders={self.plan.orders}",
                 f"kills={dict(self.kills)} settled_s={self.settled_s} wall={self.wall_s:.0f}s",
                 f"problems={self.verdict.problems()}",
                 f"audit discrepancies={found[:10]} error={self.audit.get('error')}",
                 f"died by themselves={self.died_by_themselves}"]
        lines += self.tracebacks[:3]
        return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run_chaos(settings: Settings, plan: ChaosPlan, log: Log = lambda _: None) -> ChaosOutcome:
    started = time.monotonic()
    pair = start_sandboxes()
    store = open_store(settings)
    outcome = ChaosOutcome(plan)
    hub = HubProcesses(settings, plan, free_port())
    try:
        scenario = _prepare(pair, store, settings, plan, hub)
        hub.start_all()
        _wait_for_web(hub.web_port)
        _register_webhooks(settings, hub.web_port)
        _faults_on(pair, plan)
        _storm(pair, scenario, hub, plan, outcome, log)
        _faults_off(pair, outcome)
        scenario.finish()
        outcome.settled_s = _settle(pair, settings, hub, plan, outcome, log)
        hub.stop_all()
        ctx = open_context(store, settings, INTEGRATION)
        try:
            outcome.verdict = judge(pair, ctx)
        finally:
            ctx.close()
        outcome.audit = _audit(settings)
        outcome.kills, outcome.world = hub.kills, scenario.ledger.counts
        outcome.world["stock changes"] = scenario.ledger.stock_changes
        outcome.tracebacks = hub.tracebacks()
    finally:
        hub.stop_all()
        store.close()
        pair.stop()
    outcome.wall_s = time.monotonic() - started
    return outcome


def _prepare(pair: SandboxPair, store: Any, settings: Settings, plan: ChaosPlan,
             hub: HubProcesses) -> Scenario:
    pair.reset()
    pair.seed(plan.skus, seed=plan.seed)
    ctx = open_context(store, settings, INTEGRATION, create=True)
    settings_of = {
        "download_every_s": 1, "deliver_every_s": 1, "shipments_every_s": 2,
        "cancellations_every_s": 2, "inventory_every_s": 2, "notify_every_s": 5,
        "reconcile_every_s": 10, "webhooks_every_s": 20,
        "qbc_timeout_s": plan.client_timeout_s, "houzz_timeout_s": plan.client_timeout_s,
        "retry_base_s": 0.2, "retry_cap_s": 2, "retry_max_attempts": 100,
        "window_overlap_hours": 1,
    }
    with store.begin() as session:
        save_sandbox_credentials(session, ctx.integration_id, ctx.box, houzz_url=pair.houzz_url,
                                 qbc_url=pair.qbc_url)
        for key, value in settings_of.items():  # checked as `orderbridge config set` checks
            rows = integrations.all_settings(session, ctx.integration_id)
            integrations.set_setting(session, ctx.integration_id, key,
                                     validated_value(rows, key, str(value)))
    listings = pair._control.get(f"{pair.houzz_url}/_sandbox/listings").json()["listings"]
    ctx.close()
    return Scenario(pair, store, ctx.integration_id, plan, [str(x["SKU"]) for x in listings])


def _wait_for_web(port: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"orderbridge serve did not listen on port {port}")


def _register_webhooks(settings: Settings, port: int) -> None:
    done = run_cli(settings, "webhooks", "register", "--url", f"http://127.0.0.1:{port}",
                   "--app-secret", DEFAULT_CLIENT_SECRET, "--integration", INTEGRATION)
    if done.returncode != 0:
        raise RuntimeError(f"webhooks register failed: {done.stdout}{done.stderr}")


def _faults_on(pair: SandboxPair, plan: ChaosPlan) -> None:
    common = {"timeout_hold_s": plan.timeout_hold_s, "spike_rate": plan.spike_rate,
              "spike_ms": plan.spike_ms, "seed": plan.seed, "error_status": 503}
    pair.set_faults("qbc", error_rate=plan.qbc_error_rate, timeout_rate=plan.qbc_timeout_rate,
                    rate_limit={"limit": plan.rate_limit, "window_s": plan.rate_window_s},
                    **common)
    pair.set_faults("houzz", error_rate=plan.houzz_error_rate,
                    timeout_rate=plan.houzz_timeout_rate,
                    rate_limit={"limit": plan.houzz_rate_limit,
                                "window_s": plan.houzz_rate_window_s}, **common)
    pair.set_webhook_faults(drop_rate=plan.drop_rate, duplicate_rate=plan.duplicate_rate,
                            delay_rate=plan.delay_rate, delay_min_s=0.0,
                            delay_max_s=plan.delay_max_s, seed=plan.seed)


def _flip_timeout_mode(pair: SandboxPair, plan: ChaosPlan, rng: random.Random) -> None:
    """Timeouts before the effect now and then, after it the rest of the time."""
    mode = "before" if rng.random() < plan.qbc_timeout_before_share else "after"
    current = pair._control.get(f"{pair.qbc_url}/_sandbox/faults").json()
    pair.set_faults("qbc", **{**current, "timeout_mode": mode, "seed": rng.randrange(10**6)})


def _storm(pair: SandboxPair, scenario: Scenario, hub: HubProcesses, plan: ChaosPlan,
           outcome: ChaosOutcome, log: Log) -> None:
    rng = random.Random(plan.seed * 7919)
    neighbour = Neighbour(pair)
    start = time.monotonic()
    next_kill = start + rng.uniform(*plan.kill_every_s)
    next_neighbour = start + plan.neighbour_every_s
    placed = 0
    try:
        while True:
            now = time.monotonic()
            elapsed = now - start
            due = min(plan.orders, int(plan.orders * min(elapsed / plan.scenario_s, 1.0)) + 1)
            done_placing = placed >= plan.orders
            if done_placing and elapsed >= plan.scenario_s and sum(hub.kills.values()) >= (
                    plan.min_kills):
                return
            scenario.tick(elapsed, due - placed)
            placed = due
            if now >= next_kill:
                role = _victim(hub, rng)
                hub.kill_one(role)
                time.sleep(rng.uniform(*plan.restart_after_s))
                hub.restart(role)
                log(f"{elapsed:6.1f}s killed {role.name} (kills: {dict(hub.kills)})")
                next_kill = time.monotonic() + rng.uniform(*plan.kill_every_s)
                _flip_timeout_mode(pair, plan, rng)
            if now >= next_neighbour:
                neighbour.spend_window(most=10_000, within_s=2.0)
                next_neighbour = now + plan.neighbour_every_s
            outcome.died_by_themselves += hub.revive()
            time.sleep(plan.tick_s)
    finally:
        neighbour.close()


def _victim(hub: HubProcesses, rng: random.Random) -> Role:
    """Every process once first (so each kind is proven to survive it), then by weight."""
    spared = [role for role in hub.roles if not hub.kills[role.name.split("-")[0]]]
    if spared:
        return rng.choice(spared)
    return rng.choices(hub.roles, weights=[role.weight for role in hub.roles])[0]


def _faults_off(pair: SandboxPair, outcome: ChaosOutcome) -> None:
    """Count what was injected, then let both sides behave (the rate limit stays on)."""
    for side in ("houzz", "qbc"):
        calls = pair.calls(side)
        counts: Counter[str] = Counter(str(c["fault"]) for c in calls if c["fault"])
        counts["429 answered"] = sum(1 for c in calls if c["status"] == 429)
        counts["calls"] = len(calls)
        outcome.faults[side] = counts
    delivered = pair._control.get(f"{pair.qbc_url}/_sandbox/webhook-deliveries").json()
    outcome.webhook_faults = dict(delivered.get("faults") or {})
    outcome.webhook_faults["attempts"] = len(delivered.get("deliveries") or [])
    pair.set_faults("houzz")
    pair.set_faults("qbc", rate_limit={"limit": 300, "window_s": 10})
    pair.set_webhook_faults()


def _settle(pair: SandboxPair, settings: Settings, hub: HubProcesses, plan: ChaosPlan,
            outcome: ChaosOutcome, log: Log) -> float | None:
    """Until the checks pass (the seconds it took), or None after ``settle_s``."""
    store = open_store(settings)
    ctx = open_context(store, settings, INTEGRATION)
    started = time.monotonic()
    try:
        while time.monotonic() - started < plan.settle_s:
            outcome.died_by_themselves += hub.revive()
            left = work_left(ctx)
            if left:  # the hub says it is not done: no need to read both accounts yet
                log(f"settling {time.monotonic() - started:5.1f}s: the hub has {left}")
                time.sleep(min(plan.settle_poll_s, 2.0))
                continue
            verdict = judge(pair, ctx, count_voids=False)
            if verdict.ok:
                return time.monotonic() - started
            log(f"settling {time.monotonic() - started:5.1f}s: "
                f"{ {k: len(v) for k, v in verdict.problems().items()} }")
            time.sleep(plan.settle_poll_s)
        return None
    finally:
        ctx.close()
        store.close()


def work_left(ctx: IntegrationContext) -> str:
    """What the hub's store says is still to do ('' when nothing): a cheap look, taken
    before the checks that read both whole accounts (in a large run those reads cost the
    sandboxes, which serve the hub too, seconds each)."""
    with ctx.store.session() as session:
        rows = session.execute(
            select(Order.status, func.count())
            .where(Order.integration_id == ctx.integration_id,
                   or_(Order.status.in_(_UNFINISHED),
                       Order.outbound_state == OutboundState.IN_FLIGHT))
            .group_by(Order.status)).all()
    return ", ".join(f"{count} {status.value}" for status, count in sorted(rows))


_UNFINISHED = (OrderStatus.NEW, OrderStatus.SHIPPED)
"""Downloaded and not yet in QBC; shipped in QBC and not yet confirmed on Houzz."""


def _audit(settings: Settings) -> dict[str, Any]:
    done = run_cli(settings, "audit", "--json", "--since", "2020-01-01",
                   "--integration", INTEGRATION, timeout_s=600)
    try:
        document: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        return {"error": f"audit printed no JSON: {done.stdout[-500:]}{done.stderr[-1500:]}"}
    return document
