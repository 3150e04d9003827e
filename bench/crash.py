"""Exactly once under fire, large: the crash test of tests/workflows/test_crash.py with more orders.

The sync process (`orderbridge sync --once`) is SIGKILLed at random moments while it delivers,
the QBC sandbox answers 5xx, withholds answers after acting (timeouts) and rate-limits (a
neighbour spends the window now and then, so 429s come unannounced); the process is restarted
until every order is delivered. Then: is every Houzz order in QBC exactly once, and does the
store agree? The sandboxes run in this process and survive every kill.

Run: `.venv/bin/python bench/crash.py [--orders 500] [--seed S] [--kills K]
[--database-url URL]`. Prints a table and writes bench/results/crash.json; exits 1 on a
duplicate, a missing order or no convergence, printing the seed and the kill sequence.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import report
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the rig lives with the tests

from tests.workflows.orders.crash_rig import CrashPlan, run_crash

from orderbridge.sandbox.launcher import start_sandboxes
from orderbridge.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kills", type=int, default=25, help="at least this many kills")
    parser.add_argument("--deadline", type=float, default=600, help="seconds before giving up")
    parser.add_argument("--database-url", default="",
                        help="store to use (default: a SQLite file in a temporary directory)")
    args = parser.parse_args()
    plan = CrashPlan(orders=args.orders, seed=args.seed, min_kills=args.kills,
                     max_kills=args.kills * 2, deadline_s=args.deadline)
    pair = start_sandboxes()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{Path(tmp) / 'crash.sqlite3'}"
            settings = Settings(home=Path(tmp) / "home", database_url=url,
                                secret_key=Fernet.generate_key().decode())
            outcome = run_crash(pair, settings, plan,
                                log=lambda line: print(line, flush=True))
    finally:
        pair.stop()
    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    figures = {
        "orders": outcome.orders, "kills (SIGKILL)": outcome.kills,
        "restarts": outcome.restarts, "duplicates in QBC": len(outcome.duplicates),
        "missing in QBC": len(outcome.missing), "store disagrees": len(outcome.wrong_in_store),
        "recovered by lookup": outcome.recovered_by_lookup,
        "lookups by reference_number": outcome.lookups, "POST /orders": outcome.posts,
        "5xx injected": outcome.faults.get("error", 0),
        "timeouts injected": outcome.faults.get("timeout", 0),
        "429s met by the hub": outcome.rate_limited, "converged": outcome.converged,
        "wall time (s)": round(outcome.wall_s, 1), "seed": plan.seed,
    }
    report("crash", f"Crash test: SIGKILL during delivery, QBC 5xx/timeouts/429s ({db})",
           [{"metric": key, "value": value} for key, value in figures.items()])
    if not outcome.ok:
        print(outcome.describe())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
