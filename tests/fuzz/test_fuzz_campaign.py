"""The fuzz campaign, small: every target of `tests.fuzz.targets` with a few examples. Nothing
crashes, nothing is lost, and each target saw both outcomes it can have (a target fed only
garbage, or only sound input, tests half of what it should). `bench/fuzz.py` runs the same
targets with many more examples."""

from __future__ import annotations

from tests.fuzz.tally import FuzzTally, tally_table
from tests.fuzz.targets import HOLDS, TARGETS

EXAMPLES = 30


def test_nothing_from_outside_crashes_or_is_lost() -> None:
    tallies = {kind: target(EXAMPLES) for kind, target in TARGETS.items()}
    print("\n" + tally_table(list(tallies.values())))
    problems = [problem for tally in tallies.values() for problem in _problems(tally)]
    problems += [f"{tallies[kind].kind}: held nothing: {tallies[kind].row()}"
                 for kind in sorted(HOLDS) if not tallies[kind].held]
    assert not problems, "\n".join(problems)


def _problems(tally: FuzzTally) -> list[str]:
    found = [f"{tally.kind}: {sample}" for sample in tally.samples]
    if tally.cases != tally.accepted + tally.refused + tally.held + tally.crashes:
        found.append(f"{tally.kind}: outcomes do not add up to the cases: {tally.row()}")
    if tally.cases < EXAMPLES:
        found.append(f"{tally.kind}: only {tally.cases} of {EXAMPLES} cases ran")
    if not tally.accepted or not tally.refused:
        found.append(f"{tally.kind}: never {'accepted' if not tally.accepted else 'refused'} "
                     f"anything: {tally.row()}")
    return found
