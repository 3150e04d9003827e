"""``/api/v1/integrations``: each merchant's connections (never their secrets), pause state and
settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from orderbridge.store import integrations
from orderbridge.store.credentials import configured_connectors
from orderbridge.store.tables import Integration
from orderbridge.web.auth import DbSession
from orderbridge.workflows.integration_config import config_from_rows

router = APIRouter(prefix="/integrations", tags=["integrations"])


class IntegrationOut(BaseModel):
    name: str
    paused: bool
    paused_reason: str | None
    connected: list[str]
    """The sides with saved credentials (houzz, qbc); the credentials never leave the store."""
    created_at: datetime
    settings: dict[str, Any]


def integration_out(session: Session, row: Integration) -> IntegrationOut:
    config = config_from_rows(integrations.all_settings(session, row.id))
    return IntegrationOut(name=row.name, paused=row.paused, paused_reason=row.paused_reason,
                          connected=list(configured_connectors(session, row.id)),
                          created_at=row.created_at, settings=config.model_dump(mode="json"))


def integration_named(session: Session, name: str) -> Integration:
    """The integration, or a 404 naming the known ones."""
    row = integrations.get_integration(session, name)
    if row is None:
        known = ", ".join(i.name for i in integrations.list_integrations(session)) or "none yet"
        raise HTTPException(404, f"there is no integration named {name!r} (known: {known})")
    return row


@router.get("", summary="List the integrations")
def list_all(session: DbSession) -> list[IntegrationOut]:
    return [integration_out(session, row) for row in integrations.list_integrations(session)]


@router.get("/{name}", summary="One integration", responses={404: {"description": "Unknown"}})
def one(name: str, session: DbSession) -> IntegrationOut:
    return integration_out(session, integration_named(session, name))
