"""What the Connections screen shows: the saved connections (secrets masked), the settings
with their bounds and choices, and what a refused form said, field by field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args, get_origin

from fastapi import Request
from sqlalchemy.orm import Session

from orderbridge.crypto import SecretBox, SecretKeyError, mask
from orderbridge.store import integrations
from orderbridge.store.credentials import load_credentials
from orderbridge.store.integrations import DEFAULT_INTEGRATION
from orderbridge.store.tables import Integration
from orderbridge.web.choice import chosen_integration
from orderbridge.workflows.integration_config import (
    IntegrationConfig,
    allowed_range,
    config_from_rows,
    config_problems,
    describe,
)
from orderbridge.workflows.qbc_tokens import expires_at, is_oauth
from orderbridge.workflows.settings_edit import shown

GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("Orders", ("delivery", "status_filter", "initial_import_days", "earliest_order_date",
                "order_status", "location_id", "order_tags", "default_ship_code",
                "hold_unmapped_ship_codes", "hold_on_total_mismatch")),
    ("Schedules", ("download_every_s", "deliver_every_s", "cancellations_every_s",
                   "shipments_every_s", "inventory_every_s")),
    ("Shipments and stock", ("ship_confirm_when", "missing_tracking", "default_carrier_code",
                             "inventory_locations", "inventory_buffer", "inventory_minimum",
                             "untracked_quantity")),
]
"""The settings this screen edits, in the order a merchant meets them (the rest: the
Notifications screen, or `orderbridge config set`)."""


@dataclass
class SettingField:
    key: str
    value: str
    default: str
    description: str
    bounds: str | None
    choices: list[str] | None
    is_set: bool
    error: str | None = None


@dataclass
class Saved:
    """A saved connection as it may be shown: never a whole secret."""

    base_url: str | None
    shown: dict[str, str]
    kind: str = "token"
    updated_at: datetime | None = None
    problem: str | None = None


@dataclass
class ConnectionsView:
    integration: Integration | None
    name: str
    houzz: Saved | None = None
    qbc: Saved | None = None
    groups: list[tuple[str, list[SettingField]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def connections_of(request: Request, session: Session, box: SecretBox, *,
                   typed: dict[str, str] | None = None,
                   errors: dict[str, str] | None = None) -> ConnectionsView:
    """The screen for the chosen integration; ``typed``/``errors``: a refused settings form."""
    row = chosen_integration(request, session)
    rows = {} if row is None else integrations.all_settings(session, row.id)
    view = ConnectionsView(row, DEFAULT_INTEGRATION if row is None else row.name)
    if row is not None:
        view.houzz = _saved(session, row.id, "houzz", box)
        view.qbc = _saved(session, row.id, "qbc", box)
        view.problems = config_problems(rows, row.name)
    config = config_from_rows(rows)
    defaults = {key: (default, text) for key, default, text in describe()}
    for title, keys in GROUPS:
        fields = []
        for key in keys:
            default, text = defaults[key]
            value = (typed or {}).get(key, shown(config, key))
            fields.append(SettingField(key, value, default, text, allowed_range(key),
                                       _choices(key), key in rows, (errors or {}).get(key)))
        view.groups.append((title, fields))
    return view


def _saved(session: Session, integration_id: int, side: Literal["houzz", "qbc"],
           box: SecretBox) -> Saved | None:
    try:
        stored = load_credentials(session, integration_id, side, box)
    except SecretKeyError as exc:
        return Saved(None, {}, problem=str(exc))
    if stored is None:
        return None
    values = stored.values
    if is_oauth(values):
        expiry = expires_at(values)
        return Saved(stored.base_url, {
            "client id": values.get("client_id", ""),
            "client secret": mask(values.get("client_secret")),
            "access token": mask(values.get("access_token")),
            "access token expires": "" if expiry is None else
            expiry.strftime("%Y-%m-%d %H:%M UTC")}, kind="oauth", updated_at=stored.updated_at)
    secret = {"token": mask(values.get("token"))}
    others = {key: value for key, value in values.items() if key != "token"}
    return Saved(stored.base_url, {**secret, **others}, updated_at=stored.updated_at)


def _choices(key: str) -> list[str] | None:
    annotation = IntegrationConfig.model_fields[key].annotation
    if annotation is bool:
        return ["True", "False"]
    if get_origin(annotation) is Literal:
        return [str(choice) for choice in get_args(annotation)]
    return None
