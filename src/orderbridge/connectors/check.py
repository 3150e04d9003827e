"""The result of testing a connection: the "Test" button of CartRover's setup screens."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CheckResult:
    """What a connection test found; `problems` say what to fix, in the merchant's words."""

    ok: bool
    summary: str
    details: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
