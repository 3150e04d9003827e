"""Testing a QuickBooks Commerce token, and the stock location it will ship from."""

from __future__ import annotations

from orderbridge.connectors.check import CheckResult
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.errors import RemoteError


def check_qbc(client: QbcClient, location_id: int | None = None) -> CheckResult:
    """`GET /accounts/current` (the documented token test) and the location's existence."""
    try:
        account = client.current_account()
    except RemoteError as exc:
        return CheckResult(False, "QuickBooks Commerce refused the connection",
                           problems=[exc.message])
    details = {"account": account.name or account.id,
               "locations": ", ".join(str(x) for x in account.location_ids),
               "primary_location_id": str(account.primary_location_id)}
    if location_id is not None and location_id not in account.location_ids:
        return CheckResult(False, "QuickBooks Commerce has no such stock location", details,
                           [f"location {location_id} is not one of this account's locations "
                            f"({details['locations'] or 'none'}); pick one with --location-id"])
    return CheckResult(True, "QuickBooks Commerce token works", details)
