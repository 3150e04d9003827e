"""Changing several settings of an integration at once (the Connections screen's settings
form), each checked as `orderbridge config set` checks it, all or nothing.

A value left as it is changes nothing; an empty value puts the setting back to its default
(`orderbridge config unset`). Each change is checked against the stored settings and the
changes before it, so two settings that depend on each other (retry_base_s and retry_cap_s)
can be changed together. If any value is refused, nothing is stored and every refusal is
returned by key, for the form to show next to its field.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from orderbridge.errors import UsageError
from orderbridge.store import integrations
from orderbridge.workflows.integration_config import (
    IntegrationConfig,
    config_from_rows,
    validated_value,
)


def shown(config: IntegrationConfig, key: str) -> str:
    """A setting's value as a form shows it (empty for none)."""
    value = getattr(config, key)
    return "" if value is None else str(value)


def apply_settings(session: Session, integration_id: int,
                   submitted: dict[str, str]) -> dict[str, str]:
    """Store what changed; the refusals by key (nothing stored then), {} when all is well."""
    rows = integrations.all_settings(session, integration_id)
    effective = config_from_rows(rows)
    pending = dict(rows)
    changes: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for key, raw in submitted.items():
        if key not in IntegrationConfig.model_fields:
            errors[key] = f"unknown setting {key!r}"
            continue
        text = raw.strip()
        if text == shown(effective, key):
            continue
        if not text:
            pending.pop(key, None)
            changes[key] = None
            continue
        try:
            pending[key] = validated_value(pending, key, text)
        except UsageError as exc:
            errors[key] = str(exc)
            continue
        changes[key] = pending[key]
    if errors:
        return errors
    for key, value in changes.items():
        if value is None:
            integrations.delete_setting(session, integration_id, key)
        else:
            integrations.set_setting(session, integration_id, key, value)
    return {}
