"""What a fuzz target counts, and what counts as a clear error.

Every case ends one way: accepted, refused with a clear error, held with a reason, or a crash
(a traceback, a 5xx, an error that says nothing). ``lost`` counts, on top, the records that
went in and are nowhere to be found afterwards. A campaign passes when both stay at 0.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from typing import Any

MAX_SAMPLES = 5
"""Failures kept, with their input, to show what went wrong."""
MIN_WORDS = 4
_FRAME = re.compile(r'File "[^"]+", line \d+')
_PYTHON = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b: |object has no attribute|"
                     r"unexpected failure|not subscriptable|NoneType")
"""What Python says, not what the hub says."""
_WORD = re.compile(r"[^\W\d_]{2,}")


def clear_error(message: str | None) -> bool:
    """A message in the hub's words: not empty, no traceback or Python error text, and a
    sentence (at least ``MIN_WORDS`` words) rather than a bare code or a remote's echo
    ("Houzz: 4.14"). Whether it tells what to do is read in the refusal samples a tally
    keeps (``FuzzTally.refusals``); a machine cannot judge that."""
    if not message or not message.strip():
        return False
    if _FRAME.search(message) or _PYTHON.search(message):
        return False
    return len(_WORD.findall(message)) >= MIN_WORDS


def reason_given(reason: str | None) -> bool:
    """A hold's reason: words a person can read (a remote's own message counts), no
    traceback."""
    return bool(reason and reason.strip()) and "Traceback" not in (reason or "") and not (
        _FRAME.search(reason or ""))


@dataclass
class FuzzTally:
    """The outcome counts of one target; ``samples`` shows the first failures."""

    kind: str
    cases: int = 0
    accepted: int = 0
    refused: int = 0
    held: int = 0
    crashes: int = 0
    lost: int = 0
    samples: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    """Some distinct refusal messages, to read what a merchant is told."""

    def accept(self) -> None:
        self.cases += 1
        self.accepted += 1

    def hold(self, reasons: list[str | None], given: Any) -> None:
        """A case whose records were held; a hold without a reason counts as a crash."""
        if all(reason_given(reason) for reason in reasons):
            self.cases += 1
            self.held += 1
        else:
            self.crash(f"held without a reason: {reasons!r}", given)

    def refuse(self, message: str | None, given: Any) -> None:
        """A refusal; one whose message is not a clear error counts as a crash."""
        if clear_error(message):
            self.cases += 1
            self.refused += 1
            shown = (message or "").strip()[:200]
            if len(self.refusals) < 20 and shown not in self.refusals:
                self.refusals.append(shown)
        else:
            self.crash(f"unclear error {message!r}", given)

    def crash(self, what: str, given: Any) -> None:
        self.cases += 1
        self.crashes += 1
        self._keep(f"crash: {what}", given)

    def crashed(self, exc: BaseException, given: Any) -> None:
        """An exception the entry point let through."""
        where = traceback.extract_tb(exc.__traceback__)[-1:]
        at = f" at {where[0].filename}:{where[0].lineno}" if where else ""
        self.crash(f"{type(exc).__name__}: {exc}{at}", given)

    def lose(self, count: int, what: str, given: Any) -> None:
        """Records that went in and are not there (the case is counted by its outcome)."""
        if count > 0:
            self.lost += count
            self._keep(f"lost {count}: {what}", given)

    def _keep(self, what: str, given: Any) -> None:
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append(f"{what}\n    input: {repr(given)[:600]}")

    @property
    def sound(self) -> bool:
        return self.crashes == 0 and self.lost == 0

    def row(self) -> dict[str, Any]:
        return {"input": self.kind, "cases": self.cases, "accepted": self.accepted,
                "refused": self.refused, "held": self.held, "crashes": self.crashes,
                "lost": self.lost}


COLUMNS = ("input", "cases", "accepted", "refused", "held", "crashes", "lost")


def tally_table(tallies: list[FuzzTally]) -> str:
    """The tallies as a plain text table, with a total row."""
    rows = [tally.row() for tally in tallies]
    total = {column: sum(row[column] for row in rows) for column in COLUMNS[1:]}
    rows.append({"input": "total", **total})
    widths = {column: max(len(column), *(len(str(row[column])) for row in rows))
              for column in COLUMNS}
    lines = ["  ".join(column.ljust(widths[column]) if column == "input"
                       else column.rjust(widths[column]) for column in COLUMNS)]
    lines += ["  ".join(str(row[column]).ljust(widths[column]) if column == "input"
                        else str(row[column]).rjust(widths[column]) for column in COLUMNS)
              for row in rows]
    return "\n".join(lines)
