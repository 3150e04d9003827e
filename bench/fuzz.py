"""The fuzz campaign, large: every target of tests/fuzz/targets.py (Houzz orders and write
answers, QBC answers, webhook deliveries, CLI arguments, settings values, CSV alias imports,
web form fields, API requests) with many Hypothesis examples each, counted.

Run: `.venv/bin/python bench/fuzz.py [--examples 500] [--only KIND ...]`. Prints a table (cases,
accepted, refused with a clear error, held with a reason, crashes, lost) and writes
bench/results/fuzz.json; exits 1 if any case crashed or lost a record, printing the first
failures with their input.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _common import report

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the targets live with the tests

from tests.fuzz.tally import FuzzTally
from tests.fuzz.targets import TARGETS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=500, help="examples per target")
    parser.add_argument("--only", action="append", choices=sorted(TARGETS), metavar="KIND",
                        help=f"run only this target (repeatable): {', '.join(TARGETS)}")
    args = parser.parse_args()
    kinds = args.only or list(TARGETS)
    tallies: list[FuzzTally] = []
    rows = []
    for kind in kinds:
        started = time.perf_counter()
        tally = TARGETS[kind](args.examples)
        tallies.append(tally)
        rows.append({**tally.row(), "seconds": round(time.perf_counter() - started, 1)})
        print(f"{kind}: {tally.cases} cases in {rows[-1]['seconds']} s", flush=True)
    rows.append({"input": "total", **{column: sum(row[column] for row in rows)
                                      for column in list(rows[0])[1:]}})
    report("fuzz", f"Fuzz campaign: {args.examples} examples per input kind", rows)
    failed = [tally for tally in tallies if not tally.sound]
    for tally in failed:
        print(f"\n{tally.kind}: {tally.crashes} crashes, {tally.lost} lost")
        for sample in tally.samples:
            print(f"  {sample}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
