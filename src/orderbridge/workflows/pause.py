"""Pausing an integration when a remote says the connection needs a person (bad credentials,
a lapsed subscription, a missing permission): nothing of it runs until it is resumed or
reconnected, and an alert says why."""

from __future__ import annotations

from sqlalchemy.orm import Session

from orderbridge.store import alerts, integrations
from orderbridge.workflows.context import IntegrationContext


def pause(session: Session, ctx: IntegrationContext, reason: str) -> None:
    """Pause the integration with ``reason`` (in the caller's transaction)."""
    integration = integrations.get_integration(session, ctx.name)
    if integration is not None:
        integrations.pause_integration(session, integration, reason)
        alerts.add_alert(session, ctx.integration_id, kind="paused", message=reason)


def paused_reason(ctx: IntegrationContext) -> str | None:
    """Why the integration is paused, or None if it runs."""
    with ctx.store.session() as session:
        integration = integrations.get_integration(session, ctx.name)
        if integration is None or not integration.paused:
            return None
        return integration.paused_reason or "paused"
