"""Integrations and their key/value settings.

No function here commits: call them inside the caller's transaction (``store.begin()``).
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from orderbridge.store._upsert import insert_or_ignore, rows_affected, upsert
from orderbridge.store.tables import Integration, IntegrationSetting
from orderbridge.store.tables.columns import utcnow

DEFAULT_INTEGRATION = "default"


def get_integration(session: Session, name: str = DEFAULT_INTEGRATION) -> Integration | None:
    """The integration called ``name``, or ``None``."""
    return session.scalars(select(Integration).where(Integration.name == name)).one_or_none()


def get_or_create_integration(session: Session, name: str = DEFAULT_INTEGRATION) -> Integration:
    """The integration called ``name``, created if missing (safe when two processes race)."""
    if not name.strip():
        raise ValueError("an integration needs a non-blank name")
    existing = get_integration(session, name)
    if existing is not None:
        return existing
    insert_or_ignore(
        session,
        Integration,
        {"name": name, "paused": False, "created_at": utcnow()},
        conflict_on=["name"],
    )
    created = get_integration(session, name)
    assert created is not None
    return created


def list_integrations(session: Session) -> list[Integration]:
    """Every integration, by name."""
    return list(session.scalars(select(Integration).order_by(Integration.name)))


def pause_integration(session: Session, integration: Integration, reason: str) -> None:
    """Stop the integration's workflows until resumed; ``reason`` says what to fix."""
    integration.paused = True
    integration.paused_reason = reason
    session.flush()


def resume_integration(session: Session, integration: Integration) -> None:
    """Let a paused integration run again."""
    integration.paused = False
    integration.paused_reason = None
    session.flush()


def set_setting(session: Session, integration_id: int, key: str, value: str) -> None:
    """Store ``key = value`` for the integration (replacing any earlier value)."""
    upsert(
        session,
        IntegrationSetting,
        {"integration_id": integration_id, "key": key, "value": value},
        conflict_on=["integration_id", "key"],
        update=["value"],
    )



def all_settings(session: Session, integration_id: int) -> dict[str, str]:
    """Every setting of the integration, by key."""
    rows = session.execute(
        select(IntegrationSetting.key, IntegrationSetting.value)
        .where(IntegrationSetting.integration_id == integration_id)
        .order_by(IntegrationSetting.key)
    )
    return {key: value for key, value in rows}


def delete_setting(session: Session, integration_id: int, key: str) -> bool:
    """Forget ``key`` (back to its default); True if it was set."""
    result = session.execute(
        delete(IntegrationSetting).where(
            IntegrationSetting.integration_id == integration_id, IntegrationSetting.key == key
        )
    )
    return rows_affected(result) > 0
