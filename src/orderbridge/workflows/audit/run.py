"""One audit of one integration: say what it will cost, read, compare."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from orderbridge.workflows.audit.budget import CallPlan, plan_calls
from orderbridge.workflows.audit.checks import Checked, Commands, find_discrepancies
from orderbridge.workflows.audit.discrepancy import Discrepancy
from orderbridge.workflows.audit.read import Spent, read_facts
from orderbridge.workflows.context import IntegrationContext


@dataclass
class AuditResult:
    plan: CallPlan
    spent: Spent
    checked: Checked
    discrepancies: list[Discrepancy]

    def spent_json(self) -> dict[str, int]:
        return asdict(self.spent)

    def checked_json(self) -> dict[str, int]:
        return asdict(self.checked)


def audit(ctx: IntegrationContext, since: datetime, progress: Callable[[str], None],
          plan: CallPlan | None = None) -> AuditResult:
    """Read both accounts from ``since`` and list what is wrong (raises `RemoteError` when a
    read fails: an audit with a gap would report discrepancies that are not there)."""
    plan = plan or plan_calls(ctx, since)
    facts, spent = read_facts(ctx, since, progress)
    findings = find_discrepancies(facts, Commands(ctx.name, f"{since:%Y-%m-%d}"),
                                  ctx.clock.now())
    return AuditResult(plan, spent, findings.checked, findings.discrepancies)
