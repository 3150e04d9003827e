"""Merchants per worker: the scale-out mode's capacity at a fixed API latency.

N integrations, each with its own pair of sandboxes answering every call after 100 ms (as over
the internet), one order waiting on each; real `orderbridge worker` processes (Celery, threads)
and one `orderbridge scheduler` on the machine's PostgreSQL and Redis. Every job's interval is
set far longer than the run, so the scheduler enqueues exactly one full cycle (every job once)
per integration; the run ends when all of them are in the job history.

From that: the cycle's wall time, the workers' CPU time and peak memory, and the merchants one
worker serves on 5-minute cycles, limited by waiting (integrations × 300 s / wall time / workers,
at this concurrency) and by CPU (integrations × 300 s / the workers' CPU seconds: one core
per worker). The smaller of the two is the capacity. The sandboxes and PostgreSQL share this
machine's cores with the workers, so both figures are lower bounds.

Run: `.venv/bin/python bench/scale.py [--integrations 60] [--concurrency 32]`. Prints a table
and writes bench/results/scale.json. Needs PostgreSQL (127.0.0.1:5432) and Redis (6379).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import report

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the farm lives with the tests

from sqlalchemy import func, select
from tests.conftest import _fresh_postgres_database
from tests.runtime.farm import Farm, open_farm, wait_until

from orderbridge.runtime.jobs import JOBS
from orderbridge.store.tables import JobRun

LATENCY_MS = 100
CYCLE_S = 300
ONCE = {f"{job}_every_s": "86400" for job in JOBS}


def _proc(pid: int, field: str) -> int:
    """A figure of /proc/PID/status (kB) or, for "cpu", utime+stime in clock ticks."""
    if field == "cpu":
        parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def one_run(integrations: int, workers: int, concurrency: int) -> dict[str, Any]:
    with _fresh_postgres_database() as url:
        farm: Farm = open_farm(Path(tempfile.mkdtemp(prefix="ob-scale-")), url)
        try:
            farm.add_integrations(integrations, **ONCE)
            for pair in farm.pairs.values():
                pair.control("houzz", "orders", {"count": 1})
                pair.set_faults("houzz", latency_ms=LATENCY_MS)
                pair.set_faults("qbc", latency_ms=LATENCY_MS)
            started = [farm.worker(concurrency=concurrency) for _ in range(workers)]
            time.sleep(5)  # the workers start and connect to the broker before the cycle
            cpu_before = sum(_proc(p.pid, "cpu") for p in started)  # their start-up excluded
            farm.scheduler()
            expected = integrations * len(JOBS)

            def done() -> bool:
                with farm.store.session() as session:
                    return (session.scalar(select(func.count()).select_from(JobRun)) or 0) \
                        >= expected

            wait_until(done, 600, "one full cycle of every integration", farm)
            cpu_s = (sum(_proc(p.pid, "cpu") for p in started) - cpu_before) / 100  # 10 ms ticks
            rss_mb = max(_proc(p.pid, "VmHWM") for p in started) / 1024
            with farm.store.session() as session:
                first, last = session.execute(
                    select(func.min(JobRun.started_at), func.max(JobRun.finished_at))).one()
                failed = session.scalar(select(func.count()).select_from(JobRun)
                                        .where(JobRun.error.is_not(None)))
        finally:
            farm.close()
    wall_s = (last - first).total_seconds()
    by_wait = integrations * CYCLE_S / wall_s / workers
    by_cpu = integrations * CYCLE_S / cpu_s  # CPU seconds of all workers for all merchants
    return {"workers": workers, "integrations": integrations, "threads": concurrency,
            "jobs": expected, "failed": failed, "cycle_wall_s": wall_s,
            "worker_cpu_s": cpu_s / workers, "peak_rss_mb": rss_mb,
            "merchants/worker (wait)": by_wait, "merchants/worker (CPU)": by_cpu,
            "merchants/worker": min(by_wait, by_cpu)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--integrations", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    rows = [one_run(args.integrations, workers, args.concurrency) for workers in (1, 2)]
    report("scale", f"Merchants per worker at {LATENCY_MS} ms API latency, "
                    f"{CYCLE_S // 60}-minute cycles", rows)


if __name__ == "__main__":
    main()
