"""bench/readme_figures.py: README's benchmark section made from the benches' JSON.

Each test writes results in the shape the bench scripts write them (`bench/_common.report`,
with latency.py's samples and orders.py's drain curves), runs the generator as `make bench`
does, as a subprocess, on a copy of a README, and reads what it wrote.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "bench" / "readme_figures.py"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
MACHINE = {"cores": 2, "memory_total_mb": 8192, "platform": "Linux-6.1-x86_64-with-glibc2.36",
           "python": "3.11.7"}

ABOVE = "# A project\n\nIts story, untouched.\n\n## Performance and reliability\n\n"
BELOW = "\n\n## After the figures\n\nAlso untouched.\n"
KEPT_CRASH = ("<!-- bench:crash:start -->\n### Crash test\n\n(last measured 2026-12-02; "
              "`make bench` regenerates)\n\n25 kills, **0 duplicates, 0 missing**.\n"
              "<!-- bench:crash:end -->")
OLD_ORDERS = ("<!-- bench:orders:start -->\n### Orders\n\nthe hand-written figures of "
              "2026-12-02\n<!-- bench:orders:end -->")
README = f"{ABOVE}{START}\nan old intro\n\n{OLD_ORDERS}\n\n{KEPT_CRASH}\n{END}{BELOW}"


def result(name: str, command: str, rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    title = f"{name} as the script titles it, " + " ".join(["- > 1. #"] * 20)
    return {"benchmark": name, "title": title,
            "at": "2026-12-01T09:30:00+00:00", "command": command, "machine": MACHINE,
            "rows": rows, **extra}


ORDERS = result(
    "orders", "python bench/orders.py --orders 40",
    [{"metric": "qbc_calls_per_order", "new buyers": 1.0, "repeat buyers": 1.0,
      "target": "1.00"},
     {"metric": "drain_s", "new buyers": 27.912, "repeat buyers": 29.877, "target": ""},
     {"metric": "qbc_429s", "new buyers": 0, "repeat buyers": 0, "target": "0"}],
    drain={"every_s": 0.5, "orders": 40, "rate_limit": {"limit": 30, "window_s": 10.0},
           "curves": {"new buyers": [[0.0, 0], [0.5, 12], [1.0, 30], [11.2, 40]],
                      "repeat buyers": [[0.0, 0], [0.5, 5], [10.0, 30], [12.4, 40]]}})

LATENCY = result(
    "latency", "python bench/latency.py --time-scale 10",
    [{"flow": "order → QBC", "webhooks": "off", "samples": 3, "missed": 0, "min_s": 11.7,
      "median_s": 38.8, "p95_s": 52.7, "goal_p95_s": 90.0, "met": "yes"},
     {"flow": "order → QBC", "webhooks": "on", "samples": 3, "missed": 1, "min_s": 13.5,
      "median_s": 40.6, "p95_s": "> 270 (missed)", "goal_p95_s": 90.0, "met": "no"}],
    run={"command": "python latency.py --time-scale 10",
         "schedules_default_s": {"download_every_s": 60.0}},
    modes=[{"webhooks": webhooks, "notes": {},
            "idle": {"stretch_minutes": 5, "calls": 4, "calls_per_hour": calls,
                     "share_of_budget": calls / 3600},
            "samples": [{"flow": "order → QBC", "key": f"H{i}", "latency_s": latency,
                         "missed": latency is None}
                        for i, latency in enumerate(latencies)]}
           for webhooks, calls, latencies in (("off", 48.0, [11.7, 38.8, 52.7]),
                                              ("on", 24.0, [13.5, 40.6, None]))])

SANDBOXES = result(
    "sandbox_throughput", "python bench/sandbox_throughput.py",
    [{"call": "QBC POST /orders", "requests": 500, "failures": 0, "wall_s": 1.592,
      "requests_per_s": 314.07}])


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    readme = tmp_path / "README.md"
    readme.write_text(README)
    return {"readme": readme, "results": tmp_path / "results",
            "chart": tmp_path / "docs" / "bench" / "latency-and-drain.png"}


def write_results(results: Path, *documents: dict[str, Any]) -> None:
    results.mkdir(parents=True, exist_ok=True)
    for document in documents:
        path = results / f"{document['benchmark']}.json"
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False))


def generate(paths: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GENERATOR), "--results", str(paths["results"]),
         "--readme", str(paths["readme"]), "--chart", str(paths["chart"])],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)


def section(readme: str) -> str:
    return readme[readme.index(START):readme.index(END)]


def block(readme: str, name: str) -> str:
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    return readme[readme.index(start):readme.index(end) + len(end)]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header, after checking its signature and IHDR's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    body = data[16:29]
    assert struct.unpack(">I", data[29:33])[0] == zlib.crc32(kind + body)
    assert data.endswith(b"IEND\xaeB`\x82")
    width, height = struct.unpack(">II", body[:8])
    return width, height


def test_each_bench_with_results_gets_its_table_command_date_and_machine(world):
    write_results(world["results"], ORDERS, LATENCY, SANDBOXES)
    done = generate(world)
    assert done.returncode == 0, done.stderr
    readme = world["readme"].read_text()

    assert readme.startswith(ABOVE + START) and readme.endswith(END + BELOW)
    orders = block(readme, "orders")
    assert "hand-written" not in orders and "an old intro" not in readme
    assert "### Orders, Houzz → QBC" in orders
    assert "**orders as the script titles it, - > 1. #" in orders
    assert [line for line in section(readme).splitlines()
            if re.match(r"([-+*>#]|\d+\.) ", line)] == []
    assert "| metric | new buyers | repeat buyers | target |" in orders
    assert "| drain_s | 27.912 | 29.877 |  |" in orders
    assert "| qbc_calls_per_order | 1.000 | 1.000 | 1.00 |" in orders
    assert "Measured 2026-12-01 with `python bench/orders.py --orders 40` on 2 cores, 8.0 GB" \
        in orders
    assert "| QBC POST /orders | 500 | 0 | 1.592 | 314 |" in block(readme, "sandbox_throughput")
    latency = block(readme, "latency")
    assert "| order → QBC | on | 3 | 1 | 13.500 | 40.600 | > 270 (missed) | 90.000 | no |" \
        in latency
    assert "QBC calls an hour: 48.0 with webhooks off (1.3 %" in " ".join(latency.split())
    assert "the next download (60 s by default)" in latency


def test_a_bench_without_results_keeps_its_block_or_says_it_has_not_run(world):
    write_results(world["results"], SANDBOXES)
    assert generate(world).returncode == 0
    readme = world["readme"].read_text()

    assert block(readme, "crash") == KEPT_CRASH
    assert block(readme, "orders") == OLD_ORDERS
    for never_run in ("shipments", "scale", "chaos"):
        assert "not run yet: `make bench`" in block(readme, never_run)
    assert "not run yet" not in block(readme, "sandbox_throughput")


def test_a_bench_that_has_run_since_replaces_its_kept_block(world):
    crash = result("crash", "python bench/crash.py --orders 50",
                   [{"metric": "duplicates in QBC", "value": 0},
                    {"metric": "kills (SIGKILL)", "value": 7}])
    write_results(world["results"], crash)
    assert generate(world).returncode == 0

    replaced = block(world["readme"].read_text(), "crash")
    assert "last measured 2026-12-02" not in replaced
    assert "| kills (SIGKILL) | 7 |" in replaced


def test_the_chart_is_a_png_linked_from_the_section(world):
    write_results(world["results"], ORDERS, LATENCY)
    assert generate(world).returncode == 0

    width, height = png_size(world["chart"].read_bytes())
    assert width > 600 and height > 300
    assert "![Latency per flow and the drain of an order backlog]" \
           "(docs/bench/latency-and-drain.png)" in section(world["readme"].read_text())


def test_the_same_results_give_the_same_readme_and_chart(world):
    write_results(world["results"], ORDERS, LATENCY, SANDBOXES)
    assert generate(world).returncode == 0
    readme, chart = world["readme"].read_text(), world["chart"].read_bytes()
    assert generate(world).returncode == 0

    assert world["readme"].read_text() == readme
    assert world["chart"].read_bytes() == chart


def test_without_latency_or_drain_no_chart_is_drawn(world):
    write_results(world["results"], SANDBOXES)
    assert generate(world).returncode == 0

    assert not world["chart"].exists()
    assert "![" not in world["readme"].read_text()


def test_a_readme_without_the_markers_is_left_alone(world):
    world["readme"].write_text(ABOVE + BELOW)
    write_results(world["results"], SANDBOXES)
    done = generate(world)

    assert done.returncode != 0 and "<!-- bench:start -->" in done.stderr
    assert world["readme"].read_text() == ABOVE + BELOW


def test_the_real_readme_regenerates_from_the_real_results(tmp_path):
    """On a copy: the project's README has the markers, and what this machine measured
    (bench/results/, maybe nothing) lands in it without touching the rest."""
    paths = {"readme": tmp_path / "README.md", "results": ROOT / "bench" / "results",
             "chart": tmp_path / "docs" / "bench" / "latency-and-drain.png"}
    shutil.copy(ROOT / "README.md", paths["readme"])
    before = paths["readme"].read_text()
    done = generate(paths)
    assert done.returncode == 0, done.stderr

    after = paths["readme"].read_text()
    assert after[:after.index(START)] == before[:before.index(START)]
    assert after[after.index(END):] == before[before.index(END):]
    for path in sorted(paths["results"].glob("*.json")):
        assert "not run yet" not in block(after, path.stem)
