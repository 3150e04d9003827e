"""``/api/v1/alerts``: what needs a person (active) and what was resolved, and the held orders
grouped by what would release them, as the alerts screen shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from orderbridge.store import alerts, integrations
from orderbridge.store.tables import Alert
from orderbridge.web.api.integrations import integration_named
from orderbridge.web.auth import DbSession
from orderbridge.workflows.alert_groups import held_groups
from orderbridge.workflows.integration_config import config_from_rows

router = APIRouter(prefix="/alerts", tags=["alerts"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown integration"}}
IntegrationParam = Annotated[str, Query(min_length=1, max_length=100,
                                        description="The integration (default: default)")]


class AlertOut(BaseModel):
    id: int
    kind: str
    """The hold reason (unknown_sku, unmapped_carrier...), paused, fixed (a fix and what it
    released), canceled_after_ship..."""
    message: str
    order_id: int | None
    created_at: datetime
    resolved_at: datetime | None


class HeldOrderOut(BaseModel):
    ref: str
    houzz_order_id: str
    reason: str


class HeldGroupOut(BaseModel):
    fix: str
    """alias, ship_code, carrier (map ``key`` in /api/v1/mappings), or release."""
    key: str
    title: str
    orders: list[HeldOrderOut]


def _alert_out(alert: Alert) -> AlertOut:
    return AlertOut(id=alert.id, kind=alert.kind, message=alert.message,
                    order_id=alert.order_id, created_at=alert.created_at,
                    resolved_at=alert.resolved_at)


@router.get("", summary="List alerts", responses=NOT_FOUND)
def list_all(session: DbSession, integration: IntegrationParam = "default",
             active: Annotated[bool | None, Query(
                 description="true: only active ones; false: only resolved ones; "
                             "unset: both")] = None,
             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[AlertOut]:
    """Newest first (resolved ones: the last resolved first)."""
    row = integration_named(session, integration)
    if active is False:
        found = alerts.list_resolved(session, row.id, limit=limit)
    else:
        found = alerts.list_alerts(session, row.id, active_only=bool(active), limit=limit)
    return [_alert_out(alert) for alert in found]


@router.get("/held", summary="Held orders grouped by what would release them",
            responses=NOT_FOUND)
def held(session: DbSession, integration: IntegrationParam = "default") -> list[HeldGroupOut]:
    row = integration_named(session, integration)
    config = config_from_rows(integrations.all_settings(session, row.id))
    return [HeldGroupOut(fix=group.fix, key=group.key, title=group.title, orders=[
        HeldOrderOut(ref=order.ref, houzz_order_id=order.channel_order_id, reason=order.reason)
        for order in group.orders]) for group in held_groups(session, row.id, config)]
