"""Helpers shared by the benchmarks: the sandboxes in a child process, a results table, a JSON
file, timing, and a check that a figure is not below what physics allows."""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from orderbridge.sandbox.server import bind_loopback

RESULTS = Path(__file__).parent / "results"


@contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    timing: dict[str, float] = {}
    start = time.perf_counter()
    cpu = time.process_time()
    try:
        yield timing
    finally:
        timing["wall_s"] = time.perf_counter() - start
        timing["cpu_s"] = time.process_time() - cpu


def report(name: str, title: str, rows: list[dict[str, Any]], *,
           extra: dict[str, Any] | None = None) -> Path:
    """Print `rows` as a table and write them to RESULTS/NAME.json with what `make bench`'s
    README section shows beside them: the command, the date and the machine. `extra` is
    more of the run (raw samples, a curve) that the table does not show but a chart can."""
    table = Table(title=title)
    columns = list(rows[0]) if rows else []
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(format_value(row[column]) for column in columns))
    Console().print(table)
    document: dict[str, Any] = {
        "benchmark": name, "title": title, "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": bench_command(), "machine": machine(), "rows": rows}
    clashes = sorted(set(extra or {}) & set(document))
    if clashes:
        raise ValueError(f"extra data may not replace {clashes}")
    document.update(extra or {})
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    print(f"wrote {path}")
    return path


def bench_command() -> str:
    """How to run this bench again, as typed from the repository's root."""
    return shlex.join(["python", f"bench/{Path(sys.argv[0]).name}", *sys.argv[1:]])


def machine() -> dict[str, Any]:
    """What the figures were measured on: cores, memory, platform, Python."""
    return {"cores": os.cpu_count(), "memory_total_mb": _memory_total_mb(),
            "platform": platform.platform(), "python": platform.python_version()}


def _memory_total_mb() -> int | None:
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024  # kB
    return None


def format_value(value: Any) -> str:
    """A figure as the tables show it (the console's and the README's)."""
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
    return str(value)


class Sandboxes:
    """`orderbridge sandbox` running in a child process (its CPU is not the hub's), driven
    through its control API."""

    def __init__(self, houzz_url: str, qbc_url: str) -> None:
        self.houzz_url, self.qbc_url = houzz_url, qbc_url
        self.http = httpx.Client(timeout=300)

    def url(self, side: str) -> str:
        return self.houzz_url if side == "houzz" else self.qbc_url

    def control(self, side: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.post(f"{self.url(side)}/_sandbox/{path}", json=body or {})
        response.raise_for_status()
        return response.json()

    def get(self, side: str, path: str) -> Any:
        response = self.http.get(f"{self.url(side)}/_sandbox/{path}")
        response.raise_for_status()
        return response.json()

    def calls(self, side: str, *, forget: bool = False) -> list[dict[str, Any]]:
        """The calls the side received (and, with ``forget``, a clean log after)."""
        calls: list[dict[str, Any]] = self.get(side, "calls")["calls"]
        if forget:
            self.http.delete(f"{self.url(side)}/_sandbox/calls").raise_for_status()
        return calls


@contextmanager
def sandbox_process(rate_limit: int = 300, rate_window_s: float = 300) -> Iterator[Sandboxes]:
    """Both sandboxes in a child process, empty, with the QBC rate limit given. Yields only
    once the child has set its own start-up faults, so faults set afterwards stay set (a
    bench that set them earlier lost them to the child's start-up, and measured nothing)."""
    ports = []
    for _ in range(2):
        sock = bind_loopback(0)
        ports.append(sock.getsockname()[1])
        sock.close()
    command = [sys.executable, "-m", "orderbridge", "sandbox", "--houzz-port", str(ports[0]),
               "--qbc-port", str(ports[1]), "--skus", "0", "--rate-limit", str(rate_limit),
               "--rate-window", str(rate_window_s)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sandboxes = Sandboxes(f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    expected = {"limit": rate_limit, "window_s": rate_window_s}
    try:
        deadline = time.monotonic() + 30
        while not _started(sandboxes, expected):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the sandboxes did not start")
            time.sleep(0.1)
        yield sandboxes
    finally:
        sandboxes.http.close()
        process.terminate()
        process.wait(timeout=10)


def _started(sandboxes: Sandboxes, rate_limit: dict[str, Any]) -> bool:
    """Up, and done with its start-up faults (the QBC side's are set last)."""
    try:
        sandboxes.get("houzz", "faults")
        return bool(sandboxes.get("qbc", "faults")["rate_limit"] == rate_limit)
    except httpx.TransportError:
        return False


def set_faults(sandboxes: Sandboxes, side: str, faults: dict[str, Any]) -> None:
    """Set a side's faults and read them back: a bench must not time a fault that is off."""
    sandboxes.control(side, "faults", faults)
    landed = sandboxes.get(side, "faults")
    if any(landed.get(key) != value for key, value in faults.items()):
        raise RuntimeError(f"{side} faults did not land: asked {faults}, have {landed}")


def not_below_floor(what: str, measured_s: float, floor_s: float) -> None:
    """Stop the bench if a measured time beats the physical floor: then the faults that make
    the floor (latency, rate limit) were not in force, and the figure means nothing."""
    if measured_s < floor_s:
        raise SystemExit(f"{what}: {measured_s:.2f} s is below its floor of {floor_s:.2f} s; "
                         "the sandbox's faults were not in force, so nothing was measured")
