"""README's "Performance and reliability" section, generated from bench/results/*.json.

`make bench` ends here: each bench's block between `<!-- bench:NAME:start -->` and
`<!-- bench:NAME:end -->` (inside `<!-- bench:start -->` … `<!-- bench:end -->`) is rewritten
from bench/results/NAME.json: a heading, what the bench measures, its table, the command, the
date and the machine. A bench without JSON here keeps its block as it is (figures measured
elsewhere are not lost by a machine that did not run it); one with neither says it has not run.
The chart of latency and drain (docs/bench/latency-and-drain.png) is drawn from latency.json's
samples and orders.json's drain curves; the same JSON gives the same README and the same PNG.

Run: `.venv/bin/python bench/readme_figures.py [--results DIR] [--readme FILE] [--chart FILE]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import RESULTS, format_value
from matplotlib import style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

ROOT = Path(__file__).resolve().parents[1]
SECTION_START, SECTION_END = "<!-- bench:start -->", "<!-- bench:end -->"
BLOCK = re.compile(r"<!-- bench:(?P<name>[\w-]+):start -->.*?<!-- bench:(?P=name):end -->",
                   re.DOTALL)
BLOCK_START = re.compile(r"[-+*>#=|<]|\d+[.)]")
"""A word that, at the start of a line, would make Markdown read the line as a block."""
NOT_RUN = "not run yet: `make bench`"

Results = dict[str, dict[str, Any]]


# -- what each bench measures ---------------------------------------------------------------


@dataclass(frozen=True)
class BenchText:
    """The words around a bench's table: they stay true whatever figures the JSON holds."""

    heading: str
    script: str
    measures: str
    notes: tuple[str, ...] = ()
    derived: Callable[[dict[str, Any]], list[str]] | None = None
    """Paragraphs made from the JSON beyond its table (e.g. latency's idle calls)."""


def _latency_paragraphs(document: dict[str, Any]) -> list[str]:
    """The idle QBC calls of each mode, and why an order waits for a download."""
    idle = [(mode["webhooks"], mode["idle"]) for mode in document.get("modes", [])
            if mode.get("idle")]
    paragraphs = []
    if idle:
        minutes = ", ".join(sorted({f"{figures['stretch_minutes']:g}" for _, figures in idle}))
        calls = ", ".join(
            f"{figures['calls_per_hour']:,.1f} with webhooks {webhooks} "
            f"({100 * figures['share_of_budget']:.1f} % of the 3,600 an hour QBC allows)"
            for webhooks, figures in idle)
        paragraphs.append(f"Idle (nothing happening for {minutes} minutes), QBC calls an hour: "
                          f"{calls}; goal < 10 %.")
    download_s = document.get("run", {}).get("schedules_default_s", {}).get("download_every_s")
    wait = f" ({download_s:g} s by default)" if isinstance(download_s, int | float) else ""
    paragraphs.append(f"Houzz has no webhooks, so an order waits for the next download{wait} "
                      "and then one call. `--time-scale K` runs a shorter, scaled check.")
    return paragraphs


BENCHES: dict[str, BenchText] = {
    "orders": BenchText(
        "Orders, Houzz → QBC", "orders.py",
        "What delivering a backlog of Houzz orders to QBC costs, for orders from new buyers and "
        "from one repeat buyer: QBC and Houzz calls per order, the drain time against the ideal "
        "N / rate under QBC's rate-limit shape (scaled to a shorter window), the 429s provoked "
        "and the hub's CPU per order (the sandboxes run in another process).",
        ("An ideal/actual above 1 is possible because QBC's windows are fixed and "
         "epoch-aligned: a drain that starts mid-window gets that window's leftover budget on "
         "top of the full ones.",
         "httpx is the one HTTP client and each state change has one implementation (issue 9). "
         "At one QBC call per second per account, even the 5 ms of CPU per order the target "
         "allows is 0.5 % of a core per busy account: the remote budget, not the CPU, is the "
         "limit.")),
    "orders_postgresql": BenchText(
        "Orders, Houzz → QBC, on PostgreSQL", "orders.py",
        "The same backlog as above with the store on PostgreSQL "
        "(`--database-url postgresql://…`): the calls must not change, the CPU per order may."),
    "crash": BenchText(
        "Crash test", "crash.py",
        "Exactly once under fire: the sync process is SIGKILLed at random moments while it "
        "delivers, QBC answers 5xx, times out after acting and rate-limits, and the process is "
        "restarted until every order is delivered; then every Houzz order must be in QBC "
        "exactly once and the store must agree."),
    "return_path_shipments": BenchText(
        "Tracking back", "return_path.py",
        "What tracking back costs: one run of the shipments job over orders shipped in QBC "
        "(every fifth of more than one unit in two packages), in QBC and Houzz calls per "
        "shipped order (targets: at most 2 QBC calls per 250 shipped orders, 1 Houzz call per "
        "order)."),
    "shipments": BenchText(
        "Tracking burst", "shipments.py",
        "Many orders shipped at once reach Houzz in one shipments run: its wall time with "
        "`confirm_concurrency` confirmations at a time (and, with `--compare-sequential`, one "
        "at a time) at a fixed Houzz latency, beside its floor (the calls in lanes, each one "
        "latency long) and the target of issue 9."),
    "return_path_inventory": BenchText(
        "Stock back", "return_path.py",
        "What a stock cycle costs over a large catalog at a fixed Houzz latency: QBC and Houzz "
        "calls and wall time of the first cycle (every SKU new to Houzz), of a cycle after 1 % "
        "of the SKUs changed, and of one with nothing changed, each beside its floor.",
        ("A cycle reads only the variants changed since the last read: the second cycle here "
         "still re-reads the whole catalog once, because the import happened within the read's "
         "one-minute overlap; from then on a quiet cycle is one call, and a change of fewer "
         "than 250 variants too. Every variant is read again every `inventory_full_every_s` "
         "(6 h).",)),
    "latency": BenchText(
        "Latency across the hub", "latency.py",
        "How fast an order, a shipment and a stock change cross the hub: the real "
        "`orderbridge sync` (and, with webhooks, `orderbridge serve`) on their default "
        "schedules against the sandboxes, QBC at its real 300 calls per epoch-aligned 300 s, "
        "events placed at random; min / median / p95 of each flow beside its goal, then the "
        "QBC calls of a stretch with nothing happening.",
        derived=_latency_paragraphs),
    "sandbox_throughput": BenchText(
        "Sandboxes", "sandbox_throughput.py",
        "How fast the sandboxes answer, in one process through httpx: the ceiling for every "
        "other benchmark."),
    "scale": BenchText(
        "Scale-out", "scale.py",
        "Merchants per worker: integrations each with its own sandboxes at 100 ms API latency, "
        "one full cycle of every job through real `orderbridge worker` processes and the "
        "scheduler on PostgreSQL and Redis; the merchants a worker serves on 5-minute cycles "
        "is the smaller of the limit by waiting and the limit by CPU.",
        ("The sandboxes and PostgreSQL share the machine's cores with the workers, so the "
         "figures are lower bounds, for two workers most of all.",)),
    "fuzz": BenchText(
        "Fuzzing what comes from outside", "fuzz.py",
        "Generated inputs (valid, mutated, truncated, random) through the real entry points: "
        "Houzz orders (JSON) and write answers (XML), QBC answers, QBC webhook deliveries, CLI "
        "arguments, settings values, CSV alias imports, web form fields and REST API requests "
        "(schemathesis). Each case is accepted, refused with a clear error or held with its "
        "reason; a crash or a lost record fails the run.",
        ("The suite runs the same targets with fewer cases (`tests/fuzz/test_fuzz_campaign.py`)."
         ,)),
    "chaos": BenchText(
        "Chaos: all five workflows under fire", "chaos.py",
        "Buyers place orders (some with unknown SKUs, aliased a little later) and cancel some "
        "before and some after delivery, the warehouse ships in one package or several, stock "
        "changes all the time; both sandboxes inject 5xx, timeouts before and after the effect, "
        "latency spikes and 429s (QBC's fixed-window limit scaled down, a neighbour spending "
        "it), QBC's webhooks are dropped, duplicated and delayed; meanwhile the hub's processes "
        "(embedded: sync and serve; scaled out: two workers, the scheduler and serve) are "
        "SIGKILLed at random and restarted. Then the faults stop, the hub settles, and every "
        "order, cancel, shipment and listing is checked against the sandboxes' own records, "
        "and by `orderbridge audit`.",
        ("Settling is the backlog the storm left (the kills, the faults and the scaled-down "
         "limits slow the hub on purpose) draining once the faults stop. Both sandboxes run in "
         "the bench's one Python process and serve the hub, the webhooks and the checks at "
         "once: that process, not the hub or the rate limit, bounds how fast it drains.",)),
}

INTRO = (
    "Measured with `make bench` (SQLite store unless said; the sandboxes on loopback, in a "
    "separate process where CPU is measured). Each script prints its table and writes JSON "
    "under `bench/results/`; `bench/readme_figures.py` then rewrites each bench's block below "
    "from its JSON, with the command, the date and the machine. A bench that did not run on "
    "that machine keeps its block as last measured.")


# -- the section ----------------------------------------------------------------------------


def load_results(directory: Path) -> Results:
    """Every NAME.json in `directory`, by NAME; none if the directory is not there."""
    found: Results = {}
    for path in sorted(directory.glob("*.json")):
        try:
            found[path.stem] = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise SystemExit(f"{path}: not a bench result ({error})") from error
    return found


def markdown_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(no rows)"
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(_cell(column) for column in columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(format_value(row[column]) if column in row else "")
                                for column in columns) + " |" for row in rows]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def provenance(document: dict[str, Any]) -> str:
    """When, how and on what a result was measured."""
    when = str(document.get("at", ""))[:10] or "on a date not recorded"
    command = document.get("command") or document.get("run", {}).get("command")
    how = f"`{command}`" if command else "a command not recorded"
    machine = document.get("machine") or {}
    parts = []
    if machine.get("cores"):
        parts.append(f"{machine['cores']} cores")
    if machine.get("memory_total_mb"):
        parts.append(f"{machine['memory_total_mb'] / 1024:.1f} GB memory")
    if machine.get("platform"):
        parts.append(str(machine["platform"]))
    if machine.get("python"):
        parts.append(f"Python {machine['python']}")
    on = f" on {', '.join(parts)}" if parts else ""
    return f"Measured {when} with {how}{on}."


def text_for(name: str) -> BenchText:
    return BENCHES.get(name) or BenchText(f"`{name}`", "", f"`bench/results/{name}.json`.")


def generated_block(name: str, document: dict[str, Any]) -> str:
    text = text_for(name)
    parts = [f"### {text.heading}", prose(text.measures)]
    if document.get("title"):
        parts.append(prose(f"**{document['title']}**"))
    parts.append(markdown_table(document.get("rows") or []))
    parts += [prose(note) for note in text.notes]
    if text.derived is not None:
        parts += [prose(paragraph) for paragraph in text.derived(document)]
    parts.append(prose(provenance(document)))
    return _wrapped(name, parts)


def not_run_block(name: str) -> str:
    text = text_for(name)
    return _wrapped(name, [f"### {text.heading}", prose(text.measures), NOT_RUN])


def prose(paragraph: str, width: int = 100) -> str:
    """A paragraph at the README's width (Markdown joins the lines again), never breaking
    before a word that would start a list, a quote or a heading at the head of a line."""
    lines: list[str] = []
    for word in paragraph.split():
        fits = bool(lines) and len(lines[-1]) + 1 + len(word) <= width
        if lines and (fits or BLOCK_START.match(word)):
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _wrapped(name: str, parts: list[str]) -> str:
    body = "\n\n".join(part for part in parts if part)
    return f"<!-- bench:{name}:start -->\n{body}\n<!-- bench:{name}:end -->"


def render_section(results: Results, kept: dict[str, str], chart: str | None) -> str:
    """The section's inside: the intro, the chart and every bench's block, known benches
    first in their order, then blocks only the README has, then results only the JSON has."""
    names = list(dict.fromkeys([*BENCHES, *kept, *sorted(results)]))
    parts = [prose(INTRO)]
    if chart is None:
        parts.append(prose("The chart of latency and drain is drawn once `bench/latency.py` "
                           "or `bench/orders.py` has results."))
    else:
        parts.append(f"![Latency per flow and the drain of an order backlog]({chart})\n\n"
                     + prose(chart_caption(results)))
    for name in names:
        if name in results:
            parts.append(generated_block(name, results[name]))
        elif name in kept:
            parts.append(kept[name])
        else:
            parts.append(not_run_block(name))
    return "\n\n".join(parts)


def chart_caption(results: Results) -> str:
    latency, orders = results.get("latency"), results.get("orders")
    left = (f"measured {str(latency.get('at', ''))[:10]}" if latency and latency_samples(latency)
            else "as last drawn")
    right = (f"measured {str(orders.get('at', ''))[:10]}" if orders and orders.get("drain")
             else "as last drawn")
    return (f"*Left: every latency sample per flow, webhooks off and on (`bench/latency.py`, "
            f"{left}). Right: orders QBC accepted during the drain of a backlog, against the "
            f"rate limit's ideal line (`bench/orders.py`, {right}).*")


def rewrite(readme: str, results: Results, chart: str | None) -> str:
    """`readme` with its section between the markers generated; the rest as it was."""
    start, end = readme.find(SECTION_START), readme.find(SECTION_END)
    if start < 0 or end < start:
        raise SystemExit(f"the README has no {SECTION_START} … {SECTION_END} section")
    inside = readme[start + len(SECTION_START):end]
    kept = {match["name"]: match[0] for match in BLOCK.finditer(inside)}
    section = render_section(results, kept, chart)
    return f"{readme[:start]}{SECTION_START}\n{section}\n{readme[end:]}"


# -- the chart ------------------------------------------------------------------------------

OFF_ON_COLOURS = {"off": "tab:blue", "on": "tab:orange"}


def latency_samples(document: dict[str, Any]) -> dict[tuple[str, str], list[float | None]]:
    """(flow, webhooks) → the samples' latencies, None for a missed one, in flow order."""
    samples: dict[tuple[str, str], list[float | None]] = {}
    for mode in document.get("modes", []):
        for sample in mode.get("samples", []):
            latency = None if sample.get("missed") else sample.get("latency_s")
            samples.setdefault((sample["flow"], mode["webhooks"]), []).append(latency)
    return samples


def draw_chart(results: Results, path: Path) -> bool:
    """Draw latency and drain into `path` if there is anything to draw; False if not (a chart
    drawn before is then left as it is)."""
    latency = latency_samples(results.get("latency", {}))
    drain = results.get("orders", {}).get("drain")
    if not latency and not drain:
        return False
    with style.context("default"):
        figure = Figure(figsize=(12, 4.8), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        left, right = figure.subplots(1, 2, width_ratios=(1.3, 1))
        _latency_panel(left, latency, results.get("latency", {}).get("rows") or [])
        _drain_panel(right, drain)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format="png", metadata={"Software": None})
    return True


def _latency_panel(axes: Any, samples: dict[tuple[str, str], list[float | None]],
                   rows: list[dict[str, Any]]) -> None:
    """A box and every sample per flow and mode (missed ones counted above), the goal
    dashed."""
    axes.set_title("Latency across the hub (bench/latency.py)")
    if not samples:
        _empty(axes, NOT_RUN.replace("`", ""))
        return
    flows = list(dict.fromkeys(flow for flow, _ in samples))
    goals = {(row.get("flow"), row.get("webhooks")): row.get("goal_p95_s") for row in rows}
    for i, flow in enumerate(flows):
        for j, webhooks in enumerate(OFF_ON_COLOURS):
            values = samples.get((flow, webhooks))
            if values is not None:
                _latency_box(axes, 3 * i + j, values, OFF_ON_COLOURS[webhooks],
                             goals.get((flow, webhooks)))
    axes.set_xticks([3 * i + 0.5 for i in range(len(flows))], flows)
    axes.set_xlim(-1, 3 * len(flows) - 1)
    axes.set_yscale("log")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.yaxis.set_minor_formatter(FuncFormatter(
        lambda value, _: f"{value:g}" if f"{value:e}"[0] in "25" else ""))
    axes.set_ylabel("seconds (log scale)")
    axes.legend(handles=[*(Patch(color=colour, label=f"webhooks {webhooks}")
                           for webhooks, colour in OFF_ON_COLOURS.items()),
                         Line2D([], [], color="grey", linestyle="dashed", label="goal p95")],
                loc="upper right", fontsize=8)


def _latency_box(axes: Any, x: float, values: list[float | None], colour: str,
                 goal: Any) -> None:
    arrived = [v for v in values if v is not None]
    if arrived:
        axes.boxplot([arrived], positions=[x], widths=0.6, showfliers=False,
                     medianprops={"color": colour}, manage_ticks=False)
        spread = [x + 0.4 * ((k % 7) / 6 - 0.5) for k in range(len(arrived))]  # no randomness
        axes.scatter(spread, arrived, s=12, color=colour, alpha=0.7, zorder=3)
    if isinstance(goal, int | float):
        axes.hlines(goal, x - 0.4, x + 0.4, colors="grey", linestyles="dashed")
    missed = len(values) - len(arrived)
    if missed:
        axes.annotate(f"{missed} missed", (x, 1), xycoords=("data", "axes fraction"),
                      xytext=(0, -12), textcoords="offset points", ha="center", fontsize=8,
                      color=colour)


def _drain_panel(axes: Any, drain: dict[str, Any] | None) -> None:
    if not drain:
        axes.set_title("Drain of an order backlog (bench/orders.py)")
        _empty(axes, NOT_RUN.replace("`", ""))
        return
    limit, window_s = drain["rate_limit"]["limit"], drain["rate_limit"]["window_s"]
    orders = drain["orders"]
    axes.set_title(f"Drain of {orders:,} orders (bench/orders.py)")
    for label, curve in drain["curves"].items():
        axes.plot([t for t, _ in curve], [n for _, n in curve], label=label)
    ideal_s = orders / (limit / window_s)
    axes.plot([0, ideal_s], [0, orders], color="grey", linestyle="dashed",
              label=f"ideal: {limit} per {window_s:g} s")
    axes.set_xlabel("seconds since the download started")
    axes.set_ylabel("orders accepted by QBC")
    axes.set_ylim(0, orders * 1.05)
    axes.legend(loc="lower right", fontsize=8)


def _empty(axes: Any, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


# -- the command ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=RESULTS, help="the benches' JSON")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--chart", type=Path, default=ROOT / "docs/bench/latency-and-drain.png")
    args = parser.parse_args(argv)
    results = load_results(args.results)
    drawn = draw_chart(results, args.chart)
    link = Path(os.path.relpath(args.chart.resolve(), args.readme.resolve().parent)).as_posix() \
        if args.chart.exists() else None
    readme = args.readme.read_text()
    args.readme.write_text(rewrite(readme, results, link))
    print(f"{args.readme}: {len(results)} bench results"
          + (f"; drew {args.chart}" if drawn else "; chart not drawn (no latency or drain)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
