"""Proof under fire: all five workflows at once against both sandboxes at their worst, the hub's
processes SIGKILLed at random, then the checks every merchant wants (tests/chaos/verdict.py)
and the product's own `orderbridge audit`.

Embedded: `orderbridge sync` + `orderbridge serve` on SQLite. Workers: `orderbridge worker` ×2,
`orderbridge scheduler` and `orderbridge serve` on PostgreSQL and Redis.

Run: `.venv/bin/python bench/chaos.py [--mode embedded|workers|both] [--orders 5000]
[--kills 50] [--minutes 6] [--seed S]`. Prints a table per mode and writes
bench/results/chaos.json; exits 1 on anything lost, duplicated or wrong, printing what.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import redis
from _common import report
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the rig lives with the tests

from tests.chaos.plan import ChaosPlan, Mode
from tests.chaos.rig import ChaosOutcome, run_chaos

from orderbridge.settings import Settings

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/15"


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"ob_chaos_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_mode(mode: Mode, args: argparse.Namespace) -> ChaosOutcome:
    seconds = args.minutes * 60
    plan = ChaosPlan(mode=mode, orders=args.orders, seed=args.seed, skus=200,
                     scenario_s=seconds, settle_s=900, min_kills=args.kills,
                     kill_every_s=(2.0, 2 * seconds / max(args.kills, 1) - 2.0),
                     tick_s=1.0, qbc_poll_s=4.0, settle_poll_s=10.0, rate_limit=40,
                     rate_window_s=2.0, houzz_rate_limit=20,
                     stock_changes_per_tick=3, workers=2, worker_concurrency=8)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        if mode == "embedded":
            settings = Settings(home=home, database_url=f"sqlite:///{Path(tmp) / 'chaos.sqlite3'}",
                                secret_key=Fernet.generate_key().decode())
            return run_chaos(settings, plan, log=lambda line: print(line, flush=True))
        broker = redis.Redis.from_url(REDIS_URL)
        broker.flushdb()
        try:
            with postgres_database() as url:
                settings = Settings(home=home, database_url=url, broker_url=REDIS_URL,
                                    secret_key=Fernet.generate_key().decode())
                return run_chaos(settings, plan, log=lambda line: print(line, flush=True))
        finally:
            broker.flushdb()
            broker.close()


def figures(outcome: ChaosOutcome) -> dict[str, Any]:
    verdict, world = outcome.verdict, outcome.world
    qbc: Counter[str] = outcome.faults.get("qbc", Counter())
    houzz: Counter[str] = outcome.faults.get("houzz", Counter())
    hooks = outcome.webhook_faults
    return {
        "Houzz orders": verdict.houzz_orders,
        "in QBC exactly once, right lines": verdict.in_qbc - len(verdict.wrong_lines),
        "canceled by buyers: right after placing / after delivery":
        f"{world['canceled right after placing']} / {world['canceled after delivery']}",
        "voided in QBC, once": verdict.voided,
        "shipped and confirmed on Houzz, posted once": verdict.confirmed,
        "shipped in several packages": world["orders shipped in several packages"],
        "unknown SKUs aliased later": world["aliases added"],
        "stock changes": world["stock changes"],
        "listings equal to the computed quantity": verdict.listings - len(verdict.listings_wrong),
        "lost": len(verdict.lost), "duplicated": len(verdict.duplicated),
        "wrong (lines, void, tracking, stock)": sum(len(getattr(verdict, name)) for name in (
            "wrong_lines", "not_voided", "voided_twice", "shipped_and_voided", "not_confirmed",
            "tracking_wrong", "posted_twice", "listings_wrong")),
        "held without a reason / stuck in flight": len(verdict.held_without_reason)
        + len(verdict.stuck_in_flight),
        "orderbridge audit discrepancies": outcome.audit_found,
        "kills (SIGKILL)": sum(outcome.kills.values()),
        "kills by process": ", ".join(f"{k} {v}" for k, v in sorted(outcome.kills.items())),
        "QBC 5xx / timeouts / spikes / 429s": f"{qbc.get('error', 0)} / {qbc.get('timeout', 0)} "
        f"/ {qbc.get('latency_spike', 0)} / {qbc.get('429 answered', 0)}",
        "Houzz 5xx / timeouts / spikes / 429s": f"{houzz.get('error', 0)} / "
        f"{houzz.get('timeout', 0)} / {houzz.get('latency_spike', 0)} / "
        f"{houzz.get('429 answered', 0)}",
        "webhooks dropped / duplicated / delayed": f"{hooks.get('dropped', 0)} / "
        f"{hooks.get('duplicate', 0)} / {hooks.get('delayed', 0)}",
        "tracebacks in the hub's logs": len(outcome.tracebacks),
        "settled after the storm (s)": round(outcome.settled_s, 1)
        if outcome.settled_s is not None else "no",
        "wall time (s)": round(outcome.wall_s),
        "verdict": "ok" if outcome.ok else "FAILED",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["embedded", "workers", "both"], default="both")
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=50, help="at least this many kills")
    parser.add_argument("--minutes", type=float, default=6.0,
                        help="how long the world keeps changing")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    modes: list[Mode] = ["embedded", "workers"] if args.mode == "both" else [args.mode]
    outcomes = {mode: run_mode(mode, args) for mode in modes}
    table = [figures(outcome) for outcome in outcomes.values()]
    rows = [{"metric": key, **{mode: row[key] for mode, row in zip(outcomes, table,
                                                                    strict=True)}}
            for key in table[0]]
    report("chaos", f"Chaos run: {args.orders} orders per mode, SIGKILLs, both sandboxes "
           "faulty, webhooks dropped/duplicated/delayed", rows)
    failed = [outcome for outcome in outcomes.values() if not outcome.ok]
    for outcome in failed:
        print(outcome.describe())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
