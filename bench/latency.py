"""How fast an order, a shipment and a stock change cross the hub, on its default schedules.

Against the sandboxes (real HTTP servers on loopback, the QBC one at its real rate-limit shape:
300 calls per epoch-aligned 300 s window) and the processes a merchant runs: `orderbridge
connect houzz|qbc`, then `orderbridge sync` (and, with webhooks on, `orderbridge serve` and
`orderbridge webhooks register`), each a subprocess with its own ORDERBRIDGE_HOME (SQLite store),
its logs in a file. No schedule is set, so the figures are what a merchant gets by default.

Measured, in each mode (webhooks off: polling only; webhooks on), over `--minutes` with
`--orders`, `--shipments` and `--stock-changes` events at random (seeded) moments:

- order → QBC: a buyer places an order on Houzz; until QBC holds it (read through the QBC
  sandbox's control API, which spends no rate budget);
- shipment → Houzz: an order delivered to QBC is shipped there with a tracking number; until
  Houzz shows it shipped with that number;
- stock → Houzz: a SKU's stock changes in QBC; until the Houzz listing shows the new quantity
  (stock SKUs are kept out of every order, so nothing else moves their quantity);

min / median / p95 of each beside the goals of issue 13 (p95 ≤ 90 s for orders; ≤ 15 s for
shipments and stock with webhooks, ≤ 5 min without). A sample that has not arrived after 3 × its
goal is counted as missed, not waited for. Then, with nothing happening for `--idle-minutes`,
the QBC calls the sandbox logged, per hour and as a share of the 3,600 an hour QBC allows.

`--time-scale K` divides every `*_every_s` schedule of the hub (set with `orderbridge config
set` to its default / K) and the QBC rate-limit window by K (the 300 calls stay, so the
budget per scaled hour is the real one) and multiplies what it measures by K: a quick check,
e.g. `--time-scale 10 --minutes 2 --idle-minutes 1`, whose output says it was scaled.

Run: `.venv/bin/python bench/latency.py [--mode off|on|both] [--minutes 12] [--orders 20]
[--shipments 20] [--stock-changes 20] [--idle-minutes 5] [--time-scale 1]`. Prints tables and
writes bench/results/latency.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx
from _common import report
from annotated_types import Ge
from rich.console import Console
from rich.table import Table

from orderbridge.runtime.jobs import JOBS
from orderbridge.sandbox.catalog import CatalogItem, build_catalog
from orderbridge.sandbox.houzz.buyers import OrderMix, random_order
from orderbridge.sandbox.houzz.listings import listings_from_catalog
from orderbridge.sandbox.houzz.render import jsonable
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair, start_sandboxes
from orderbridge.sandbox.qbc.settings import QbcSandboxSettings
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_SECRET
from orderbridge.sandbox.server import bind_loopback
from orderbridge.settings import Settings, default_database_url
from orderbridge.store import Store, integrations, job_runs, open_store
from orderbridge.workflows.integration_config import IntegrationConfig

SEED = 13
ORDER, SHIPMENT, STOCK = "order → QBC", "shipment → Houzz", "stock → Houzz"
FLOWS = (ORDER, SHIPMENT, STOCK)
GOAL_P95_S = {(ORDER, False): 90.0, (ORDER, True): 90.0,
              (SHIPMENT, False): 300.0, (SHIPMENT, True): 15.0,
              (STOCK, False): 300.0, (STOCK, True): 15.0}
"""Issue 13's goals, keyed by (flow, webhooks on)."""
MISSED_AFTER = 3
"""A sample not arrived after this many times its goal is missed."""
BUDGET_PER_HOUR = 3600
CARRIER = "UPS"
MEASURED_JOBS = ("download", "deliver", "shipments", "inventory")
STOP_GRACE_S = 30


def orderbridge_command() -> list[str]:
    """The `orderbridge` console script of this interpreter's environment (.venv/bin)."""
    script = Path(sys.executable).with_name("orderbridge")
    return [str(script)] if script.exists() else [sys.executable, "-m", "orderbridge"]


def schedule_defaults() -> dict[str, float]:
    """Every `*_every_s` setting and its default, read from the hub at run time."""
    defaults: dict[str, float] = {}
    for name, spec in IntegrationConfig.model_fields.items():
        if name.endswith("_every_s") and isinstance(spec.default, int | float):
            defaults[name] = float(spec.default)
    return defaults


def scaled_schedules(scale: float) -> dict[str, float]:
    """Each schedule's default ÷ `scale`, but never below the least the hub allows (a
    schedule at its floor is then slower than scaled, which the header shows)."""
    scaled = {}
    for name, default in schedule_defaults().items():
        floors = [float(str(rule.ge)) for rule in IntegrationConfig.model_fields[name].metadata
                  if isinstance(rule, Ge)]
        scaled[name] = max([default / scale, *floors])
    return scaled


# -- the merchant's processes ---------------------------------------------------------------


class Hub:
    """orderbridge as a merchant runs it: commands and long-running processes, one home."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.command = orderbridge_command()
        self._running: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []
        self._store: Store | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERBRIDGE_")}
        env.update(ORDERBRIDGE_HOME=str(self.home), COLUMNS="200",
                   NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
        return env

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run one command to its end; its stdout. A failure stops the bench, saying why."""
        done = subprocess.run([*self.command, *args], capture_output=True, text=True,
                              env=self.env(), timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"orderbridge {shlex.join(args)} exited {done.returncode}\n"
                               f"{done.stdout}{done.stderr}")
        return done.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Start a long-running command, its output to NAME.log (never to an unread pipe)."""
        log = (self.home / f"{name}.log").open("wb")
        try:
            process = subprocess.Popen([*self.command, *args], env=self.env(), stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except BaseException:
            log.close()
            raise
        self._running.append((name, process, log))
        return process

    def check_running(self) -> None:
        for name, process, _ in self._running:
            if process.poll() is not None:
                raise RuntimeError(f"orderbridge {name} exited {process.returncode}:\n"
                                   f"{self.log_tail(name)}")

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.home / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def job_runs(self, jobs: tuple[str, ...]) -> dict[str, int]:
        """How many runs of each job the hub's history holds (its own SQLite store)."""
        if self._store is None:
            settings = Settings(home=self.home, database_url=default_database_url(self.home))
            self._store = open_store(settings, migrate=False)
        with self._store.session() as session:
            row = integrations.get_integration(session)
            if row is None:
                return dict.fromkeys(jobs, 0)
            return {job: job_runs.count_runs(session, row.id, job) for job in jobs}

    def stop(self) -> None:
        """SIGTERM each process (it finishes its step), SIGKILL what is still up after that."""
        for _, process, _ in self._running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for _, process, log in self._running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            log.close()
        self._running.clear()
        if self._store is not None:
            self._store.close()
            self._store = None


# -- the outside world: a buyer on Houzz, a warehouse in QBC ------------------------------


class World:
    """The sandboxes, driven and read through their control APIs (no rate budget spent)."""

    def __init__(self, pair: SandboxPair, catalog: list[CatalogItem], seed: int) -> None:
        self.pair = pair
        self.http = httpx.Client(timeout=30)
        third = max(1, len(catalog) // 3)
        self.stock_items = catalog[-third:]
        """SKUs no order ever holds: only a stock change moves their Houzz quantity."""
        self.order_listings = listings_from_catalog(catalog, seed)[:-third]
        self.buyers = random.Random(seed)

    def close(self) -> None:
        self.http.close()

    def _get(self, side: str, path: str) -> Any:
        base = self.pair.houzz_url if side == "houzz" else self.pair.qbc_url
        response = self.http.get(f"{base}/_sandbox/{path}")
        response.raise_for_status()
        return response.json()

    def _post(self, side: str, path: str, body: dict[str, Any]) -> Any:
        base = self.pair.houzz_url if side == "houzz" else self.pair.qbc_url
        response = self.http.post(f"{base}/_sandbox/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def place_order(self) -> str:
        """A buyer orders 1-3 of the order SKUs: a random order as the sandbox makes them, placed
        with its fields given (the sandbox fills in OrderId, Status and Created)."""
        made = random_order(self.buyers, "unused", self.order_listings, datetime.now(UTC),
                            "post2021", OrderMix())
        placed: list[str] = self._post("houzz", "orders",
                                       {"orders": [jsonable(made.body)]})["order_ids"]
        return placed[0]

    def qbc_orders(self) -> dict[str, int]:
        """reference_number → QBC order id of every order QBC holds."""
        orders = self._get("qbc", "orders")["orders"]
        return {str(o.get("reference_number")): int(o["id"]) for o in orders}

    def ship(self, qbc_id: int, tracking: str) -> None:
        self._post("qbc", f"orders/{qbc_id}/ship",
                   {"tracking_company": CARRIER, "tracking_number": tracking})

    def shipped_on_houzz(self, houzz_id: str, tracking: str) -> bool:
        history = self._get("houzz", f"orders/{houzz_id}").get("ShipHistory") or []
        return any(tracking in (ship.get("TrackingNumbers") or []) for ship in history)

    def set_stock(self, sku: str, quantity: int) -> None:
        self._post("qbc", "stock", {"sku": sku, "stock_on_hand": quantity})

    def houzz_quantity(self, sku: str) -> int:
        return int(self._get("houzz", f"listings/{sku}")["Quantity"])

    def qbc_calls(self) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self._get("qbc", "calls")["calls"]
        return calls

    def forget_qbc_calls(self) -> None:
        self.http.delete(f"{self.pair.qbc_url}/_sandbox/calls").raise_for_status()

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        deliveries: list[dict[str, Any]] = self._get("qbc", "webhook-deliveries")["deliveries"]
        return deliveries


def wait_for(what: str, done: Callable[[], bool], timeout_s: float, hub: Hub,
             tick_s: float = 0.25) -> None:
    """Until `done()`, at most `timeout_s`; the hub's processes must stay up meanwhile."""
    deadline = time.monotonic() + timeout_s
    while not done():
        hub.check_running()
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(tick_s)


# -- samples ----------------------------------------------------------------------------------


@dataclass(order=True)
class Event:
    """One thing that happens outside the hub, `at_s` seconds into the run."""

    at_s: float
    flow: str
    key: str = field(compare=False)
    """The Houzz OrderId to ship, or the SKU to change; empty for a new order."""
    value: int = field(compare=False, default=0)
    """The QBC order id to ship, or the new stock."""


@dataclass
class Sample:
    """One event's latency: from the sandbox taking it until the other side shows it."""

    flow: str
    key: str
    expect: str | int
    started: float
    deadline: float
    latency_s: float | None = None
    missed: bool = False

    @property
    def open(self) -> bool:
        return self.latency_s is None and not self.missed


def plan_events(args: argparse.Namespace, world: World, shipments: list[tuple[str, int]],
                ) -> list[Event]:
    """The run's events at random moments of `--minutes` (seeded: every mode gets the same)."""
    rng = random.Random(args.seed)
    span = args.minutes * 60

    def moment() -> float:
        return rng.uniform(0, span)

    events = [Event(moment(), ORDER, "") for _ in range(args.orders)]
    events += [Event(moment(), SHIPMENT, houzz_id, qbc_id) for houzz_id, qbc_id in shipments]
    for item in rng.sample(world.stock_items, args.stock_changes):
        delta = rng.choice([-5, -4, -3, -2, -1, 1, 2, 3, 5, 8])
        quantity = item.stock_on_hand + delta
        events.append(Event(moment(), STOCK, item.sku,
                            quantity if quantity >= 0 else item.stock_on_hand - delta))
    return sorted(events)


def fire(world: World, event: Event, webhooks: bool, scale: float) -> Sample:
    """Make the event happen; its sample starts once the sandbox has taken it."""
    expect: str | int
    if event.flow == ORDER:
        key, expect = world.place_order(), ""
    elif event.flow == SHIPMENT:
        key, expect = event.key, f"1ZBENCH{event.value:08d}"
        world.ship(event.value, expect)
    else:
        key, expect = event.key, event.value
        world.set_stock(event.key, event.value)
    started = time.monotonic()
    patience = MISSED_AFTER * GOAL_P95_S[(event.flow, webhooks)] / scale
    return Sample(event.flow, key, expect, started, started + patience)


def check_arrivals(world: World, pending: list[Sample], scale: float) -> None:
    """Mark the samples that arrived (latency scaled back by `scale`) or ran out of time."""
    orders = [s for s in pending if s.flow == ORDER]
    in_qbc = world.qbc_orders() if orders else {}
    for sample in pending:
        if sample.flow == ORDER:
            arrived = sample.key in in_qbc
        elif sample.flow == SHIPMENT:
            arrived = world.shipped_on_houzz(sample.key, str(sample.expect))
        else:
            arrived = world.houzz_quantity(sample.key) == sample.expect
        now = time.monotonic()
        if arrived:
            sample.latency_s = (now - sample.started) * scale
        elif now > sample.deadline:
            sample.missed = True


def look_every_s(scale: float) -> float:
    """How often the bench looks for arrivals: a latency is exact to about this × `scale`."""
    return max(0.02, 0.25 / scale)


def measure(world: World, hub: Hub, events: list[Event], webhooks: bool, scale: float,
            ) -> list[Sample]:
    """Fire the events on time and watch every sample until it arrives or is missed."""
    tick = look_every_s(scale)
    samples: list[Sample] = []
    start = time.monotonic()
    upcoming = list(events)
    last_check = 0.0
    while upcoming or any(s.open for s in samples):
        while upcoming and start + upcoming[0].at_s <= time.monotonic():
            samples.append(fire(world, upcoming.pop(0), webhooks, scale))
        check_arrivals(world, [s for s in samples if s.open], scale)
        if time.monotonic() - last_check > 5:
            hub.check_running()
            last_check = time.monotonic()
        time.sleep(tick)
    return samples


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(samples: list[Sample], flow: str, webhooks: bool) -> dict[str, Any]:
    mine = [s for s in samples if s.flow == flow]
    goal = GOAL_P95_S[(flow, webhooks)]
    arrived = [s.latency_s for s in mine if s.latency_s is not None]
    missed = sum(1 for s in mine if s.missed)
    ranked = arrived + [math.inf] * missed  # a missed sample is slower than any arrival
    p95 = percentile(ranked, 0.95) if ranked else None
    median = statistics.median(ranked) if ranked else None
    return {"flow": flow, "webhooks": "on" if webhooks else "off", "samples": len(mine),
            "missed": missed,
            "min_s": round(min(arrived), 1) if arrived else "—",
            "median_s": _shown(median, goal), "p95_s": _shown(p95, goal),
            "goal_p95_s": goal,
            "met": "—" if p95 is None else ("yes" if p95 <= goal else "no")}


def _shown(value: float | None, goal: float) -> float | str:
    if value is None:
        return "—"
    if math.isinf(value):
        return f"> {MISSED_AFTER * goal:g} (missed)"
    return round(value, 1)


# -- one mode ---------------------------------------------------------------------------------


@dataclass
class ModeResult:
    webhooks: bool
    samples: list[Sample]
    idle: dict[str, Any]
    notes: dict[str, Any] = field(default_factory=dict)


@contextmanager
def running_world(args: argparse.Namespace) -> Iterator[tuple[World, Hub]]:
    """Fresh sandboxes at the rate-limit shape, seeded, and a hub home of its own; both
    stopped and removed at the end, whatever happened."""
    pair = start_sandboxes()
    home = Path(tempfile.mkdtemp(prefix="ob-latency-"))
    hub = Hub(home)
    world: World | None = None
    try:
        limits = QbcSandboxSettings().rate_limit
        if args.time_scale != 1:
            pair.set_faults("qbc", rate_limit={"limit": limits.limit,
                                               "window_s": limits.window_s / args.time_scale})
        pair.seed(args.skus, args.seed)
        world = World(pair, build_catalog(args.skus, args.seed), args.seed)
        yield world, hub
    except BaseException:
        for name in ("sync", "serve"):
            tail = hub.log_tail(name)
            if tail:
                print(f"--- last lines of orderbridge {name}'s log\n{tail}", file=sys.stderr)
        raise
    finally:
        hub.stop()
        if world is not None:
            world.close()
        pair.stop()
        if args.keep_home:
            print(f"kept the hub's home: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


def connect(hub: Hub, world: World, args: argparse.Namespace) -> None:
    """Connect both sides as a merchant does; at --time-scale K, every schedule ÷ K."""
    creds = HOUZZ_CREDENTIALS
    hub.run("connect", "houzz", "--token", creds["token"], "--username", creds["username"],
            "--app-name", creds["app_name"], "--base-url", world.pair.houzz_url)
    hub.run("connect", "qbc", "--token", QBC_TOKEN, "--base-url", world.pair.qbc_url)
    if args.time_scale != 1:
        for key, every_s in scaled_schedules(args.time_scale).items():
            hub.run("config", "set", key, f"{every_s:g}")


def start_webhooks(hub: Hub) -> dict[str, Any]:
    """`orderbridge serve` on a free port and `orderbridge webhooks register` pointing at it."""
    sock = bind_loopback(0)
    port = sock.getsockname()[1]
    sock.close()
    hub.start("serve", "serve", "--host", "127.0.0.1", "--port", str(port))
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            httpx.get(url + "/", timeout=2, trust_env=False)
        except httpx.TransportError:
            return False
        return True

    wait_for("orderbridge serve to answer", answers, 60, hub)
    registered = hub.run("webhooks", "register", "--url", url, "--app-secret",
                         DEFAULT_CLIENT_SECRET)
    return {"serve_url": url, "register_output": registered.strip()}


def warm_up(world: World, hub: Hub, args: argparse.Namespace) -> list[tuple[str, int]]:
    """Orders to ship later, placed before the hub starts; back once they are in QBC and every
    measured job has run once (the first cycle, which pushes every stock level, is not
    measured). Their (Houzz OrderId, QBC order id)."""
    houzz_ids = [world.place_order() for _ in range(args.shipments)]
    hub.start("sync", "sync")
    patience = (MISSED_AFTER * GOAL_P95_S[(ORDER, False)] + max(schedule_defaults().values(),
                                                                  default=300)) / args.time_scale
    wait_for(f"the {len(houzz_ids)} orders to ship to reach QBC",
             lambda: set(houzz_ids) <= set(world.qbc_orders()), patience + 60, hub)
    jobs = tuple(job for job in MEASURED_JOBS if job in JOBS)
    wait_for("the hub's first cycle", lambda: min(hub.job_runs(jobs).values(), default=1) > 0,
             patience + 60, hub)
    in_qbc = world.qbc_orders()
    return [(houzz_id, in_qbc[houzz_id]) for houzz_id in houzz_ids]


def idle_calls(world: World, hub: Hub, args: argparse.Namespace) -> dict[str, Any]:
    """The QBC calls of a stretch with nothing happening, per (scaled) hour."""
    stretch_s = args.idle_minutes * 60
    world.forget_qbc_calls()
    deadline = time.monotonic() + stretch_s
    while time.monotonic() < deadline:
        hub.check_running()
        time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))
    calls = world.qbc_calls()
    per_hour = len(calls) * 3600 / (stretch_s * args.time_scale)
    by_path = Counter("/" + (c["path"].strip("/").split("/") or [""])[0] for c in calls)
    return {"stretch_minutes": args.idle_minutes * args.time_scale, "calls": len(calls),
            "calls_per_hour": round(per_hour, 1),
            "share_of_budget": round(per_hour / BUDGET_PER_HOUR, 4),
            "by_path": dict(by_path.most_common()),
            "by_schedule": schedule_estimate(hub, args.time_scale)}


def schedule_estimate(hub: Hub, scale: float) -> float | None:
    """The hub's own figure: `config show`'s calls per hour of each job's schedule, summed."""
    document = json.loads(hub.run("config", "show", "--json"))
    rows = document.get("qbc_budget") or []
    known = [row["calls_per_hour"] for row in rows if row.get("calls_per_hour") is not None]
    return round(sum(known) / scale, 1) if known else None


def run_mode(args: argparse.Namespace, webhooks: bool) -> ModeResult:
    console = Console()
    label = "webhooks on" if webhooks else "webhooks off"
    with running_world(args) as (world, hub):
        connect(hub, world, args)
        notes: dict[str, Any] = {}
        if webhooks:
            notes.update(start_webhooks(hub))
        console.print(f"[bold]{label}[/bold]: warming up (orders to ship, first cycle)")
        shipments = warm_up(world, hub, args)
        events = plan_events(args, world, shipments)
        console.print(f"{label}: {len(events)} events over {args.minutes:g} min")
        samples = measure(world, hub, events, webhooks, args.time_scale)
        console.print(f"{label}: idle for {args.idle_minutes:g} min")
        idle = idle_calls(world, hub, args)
        if webhooks:
            deliveries = world.webhook_deliveries()
            notes["webhook_deliveries"] = len(deliveries)
            notes["webhook_deliveries_ok"] = sum(
                1 for d in deliveries if isinstance(d.get("status"), int)
                and 200 <= d["status"] < 400)
            with suppress(RuntimeError, ValueError):
                status = json.loads(hub.run("webhooks", "status", "--json"))
                notes["webhooks_state"] = status.get("state")
                notes["webhooks_received_24h"] = status.get("received_24h")
        return ModeResult(webhooks, samples, idle, notes)


def webhooks_available() -> bool:
    done = subprocess.run([*orderbridge_command(), "webhooks", "--help"], capture_output=True,
                          text=True, check=False, timeout=60)
    return done.returncode == 0


# -- output -----------------------------------------------------------------------------------


def header(args: argparse.Namespace) -> dict[str, Any]:
    scale = args.time_scale
    limits = QbcSandboxSettings().rate_limit
    return {
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "schedules_default_s": schedule_defaults(),
        "schedules_run_s": scaled_schedules(scale),
        "qbc_rate_limit": {"limit": limits.limit, "window_s": limits.window_s / scale},
        "time_scale": scale,
        "resolution_s": look_every_s(scale) * scale,
        "minutes_per_mode": args.minutes, "idle_minutes": args.idle_minutes,
        "orders": args.orders, "shipments": args.shipments, "stock_changes": args.stock_changes,
        "skus": args.skus, "seed": args.seed,
    }


def print_header(info: dict[str, Any]) -> None:
    console = Console()
    scale = info["time_scale"]
    console.print(f"command: {info['command']}", highlight=False)
    machine = info["machine"]
    console.print(f"machine: {machine['cpus']} CPUs, Python {machine['python']}, "
                  f"{machine['platform']}", highlight=False)
    schedules = ", ".join(f"{k.removesuffix('_every_s')} {v:g}"
                          for k, v in info["schedules_default_s"].items())
    console.print(f"hub default schedules (s): {schedules}", highlight=False)
    limit = info["qbc_rate_limit"]
    console.print(f"arrivals looked for every {info['resolution_s'] / scale:g} s: latencies "
                  f"are exact to about {info['resolution_s']:g} s; a sample not there after "
                  f"{MISSED_AFTER} × its goal is missed", highlight=False)
    if scale == 1:
        console.print(f"QBC sandbox rate limit: {limit['limit']} calls per {limit['window_s']:g} s "
                      "window (epoch-aligned); nothing scaled", highlight=False)
    else:
        console.print(f"[yellow]SCALED ×{scale:g}[/yellow]: every schedule ÷ {scale:g}, QBC "
                      f"window {limit['window_s']:g} s for {limit['limit']} calls; measured "
                      f"times × {scale:g} (a quick check, not the real figure)", highlight=False)
        ran = ", ".join(f"{k.removesuffix('_every_s')} {v:g}"
                        for k, v in info["schedules_run_s"].items())
        console.print(f"schedules run at (s): {ran}", highlight=False)


def print_idle(results: list[ModeResult], scale: float) -> None:
    table = Table(title="Idle QBC calls (nothing happening)"
                  + (f", scaled ×{scale:g}" if scale != 1 else ""))
    for column in ("webhooks", "stretch (scaled min)" if scale != 1 else "stretch (min)",
                   "QBC calls", "per hour",
                   f"of {BUDGET_PER_HOUR:,}/h", "per hour by the hub's schedule estimate",
                   "goal"):
        table.add_column(column)
    for result in results:
        idle = result.idle
        share = idle["share_of_budget"]
        estimate = idle["by_schedule"]
        table.add_row("on" if result.webhooks else "off", f"{idle['stretch_minutes']:g}",
                      str(idle["calls"]), f"{idle['calls_per_hour']:,.1f}",
                      f"{100 * share:.1f} % ({'met' if share < 0.10 else 'not met'})",
                      "—" if estimate is None else f"{estimate:,.1f}", "< 10 %")
    Console().print(table)
    for result in results:
        polled_every = max(polling_intervals(result.webhooks).values(), default=0)
        if result.idle["stretch_minutes"] * 60 < polled_every:
            Console().print(f"webhooks {'on' if result.webhooks else 'off'}: the stretch is "
                            f"shorter than the {polled_every:g} s between polls of shipments "
                            "and stock, so it may hold none; the hub's estimate covers them",
                            highlight=False)


def polling_intervals(webhooks: bool) -> dict[str, float]:
    """The default intervals of the QBC reads of shipments and stock in the mode."""
    keys = ("reconcile_every_s",) if webhooks else ("shipments_every_s", "inventory_every_s")
    defaults = schedule_defaults()
    return {key: defaults[key] for key in keys if key in defaults}


def run_data(info: dict[str, Any], results: list[ModeResult]) -> dict[str, Any]:
    """The run's settings, the idle figures and every sample, for the JSON beside the table
    (the README's chart draws the samples)."""
    return {"run": info, "modes": [{
        "webhooks": "on" if r.webhooks else "off", "idle": r.idle, "notes": r.notes,
        "samples": [{"flow": s.flow, "key": s.key, "latency_s": s.latency_s,
                     "missed": s.missed} for s in r.samples]} for r in results]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("off", "on", "both"), default="both",
                        help="webhooks off (polling only), on, or both (default)")
    parser.add_argument("--minutes", type=float, default=12, help="measuring time per mode")
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--shipments", type=int, default=20)
    parser.add_argument("--stock-changes", type=int, default=20)
    parser.add_argument("--idle-minutes", type=float, default=5)
    parser.add_argument("--time-scale", type=float, default=1,
                        help="run K times faster: schedules and QBC window ÷ K, times × K")
    parser.add_argument("--skus", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep-home", action="store_true",
                        help="keep the hub's home (store, logs) for a look afterwards")
    args = parser.parse_args()
    os.environ.setdefault("COLUMNS", "140")  # rich tables at their width in a log file too
    if args.time_scale <= 0 or args.minutes <= 0 or args.idle_minutes <= 0:
        parser.error("--time-scale, --minutes and --idle-minutes must be positive")
    if args.stock_changes > max(1, args.skus // 3):
        parser.error(f"--stock-changes at most a third of --skus ({args.skus // 3})")
    modes = {"off": [False], "on": [True], "both": [False, True]}[args.mode]
    info = header(args)
    print_header(info)
    if True in modes and not webhooks_available():
        if args.mode == "on":
            raise SystemExit("this orderbridge has no `webhooks` command yet: nothing to measure")
        print("webhooks on: not measured, this orderbridge has no `webhooks` command yet")
        modes = [False]
    results = [run_mode(args, webhooks) for webhooks in modes]
    rows = [summary(r.samples, flow, r.webhooks) for flow in FLOWS for r in results]
    scaled = f", scaled ×{args.time_scale:g} (times × {args.time_scale:g})" \
        if args.time_scale != 1 else ""
    report("latency", f"Latency across the hub on its default schedules{scaled}: "
           f"{args.minutes:g} min per mode, QBC at "
           f"{info['qbc_rate_limit']['limit']} calls / "
           f"{info['qbc_rate_limit']['window_s']:g} s", rows, extra=run_data(info, results))
    print_idle(results, args.time_scale)


if __name__ == "__main__":
    main()
