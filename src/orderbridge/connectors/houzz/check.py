"""Testing Houzz credentials before saving them.

The seller portal grants two permissions, "List and process orders" and "Update product
inventory"; orderbridge needs both, so each is exercised with the cheapest call that needs it.
"""

from __future__ import annotations

from orderbridge.connectors.check import CheckResult
from orderbridge.connectors.houzz.client import HouzzClient
from orderbridge.errors import ConfigurationError, RemoteError


def check_houzz(client: HouzzClient) -> CheckResult:
    """Exercise both permissions; never raises for a remote problem."""
    problems: list[str] = []
    details: dict[str, str] = {}
    try:
        client.get_orders(status="Charged", number=1)
        details["orders"] = "List and process orders: allowed"
    except RemoteError as exc:
        problems.append(_explain("list orders", exc))
    try:
        total, _ = client.get_listings(number=1)
        count = f"{total} listings" if total is not None else "listing count not given"
        details["listings"] = f"Update product inventory: allowed ({count})"
    except RemoteError as exc:
        problems.append(_explain("read listings", exc))
    if problems:
        return CheckResult(False, "Houzz refused the connection", details, problems)
    return CheckResult(True, "Houzz credentials work", details)


def _explain(action: str, exc: RemoteError) -> str:
    if isinstance(exc, ConfigurationError):
        return f"cannot {action}: {exc.message}"
    return f"cannot {action}: {exc.message} (is the base URL right and the host reachable?)"
