"""Connector credentials, encrypted at rest with a ``SecretBox``.

Values go in as a dict and come back as one, decrypted; in the database they are a single
Fernet token of their JSON. ``StoredCredentials`` hides the values from ``repr`` so a stray log
line shows only masked tails. No function here commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from orderbridge.crypto import SecretBox, mask
from orderbridge.store._upsert import rows_affected, upsert
from orderbridge.store.tables import Credential
from orderbridge.store.tables.columns import utcnow

Connector = Literal["houzz", "qbc"]
CONNECTORS: tuple[Connector, ...] = get_args(Connector)


@dataclass(frozen=True)
class StoredCredentials:
    """A connector's decrypted credentials (``values``) and where to reach it."""

    connector: Connector
    values: dict[str, str] = field(repr=False)
    base_url: str | None
    updated_at: datetime

    def masked(self) -> dict[str, str]:
        """The values, each masked for display."""
        return {key: mask(value) for key, value in self.values.items()}

    def __repr__(self) -> str:
        return (
            f"StoredCredentials(connector={self.connector!r}, values={self.masked()!r}, "
            f"base_url={self.base_url!r})"
        )


def _check_connector(connector: str) -> Connector:
    if connector not in CONNECTORS:
        raise ValueError(f"unknown connector {connector!r}; expected one of {CONNECTORS}")
    return connector


def save_credentials(
    session: Session,
    integration_id: int,
    connector: Connector,
    values: dict[str, str],
    box: SecretBox,
    *,
    base_url: str | None = None,
) -> None:
    """Encrypt and store ``values`` for the connector, replacing what was there."""
    _check_connector(connector)
    token = box.encrypt(json.dumps(values, sort_keys=True))
    upsert(
        session,
        Credential,
        {
            "integration_id": integration_id,
            "connector": connector,
            "secret": token,
            "base_url": base_url,
            "updated_at": utcnow(),
        },
        conflict_on=["integration_id", "connector"],
        update=["secret", "base_url", "updated_at"],
    )


def load_credentials(
    session: Session, integration_id: int, connector: Connector, box: SecretBox
) -> StoredCredentials | None:
    """The connector's credentials, decrypted; ``None`` if never saved.

    Raises ``orderbridge.crypto.WrongKeyError`` if they were encrypted with another key.
    """
    row = session.execute(
        select(Credential.secret, Credential.base_url, Credential.updated_at).where(
            Credential.integration_id == integration_id,
            Credential.connector == _check_connector(connector),
        )
    ).one_or_none()
    if row is None:
        return None
    values = json.loads(box.decrypt(row.secret))
    return StoredCredentials(
        connector=connector, values=values, base_url=row.base_url, updated_at=row.updated_at
    )


def configured_connectors(session: Session, integration_id: int) -> list[Connector]:
    """The connectors that have credentials saved for the integration."""
    names = session.scalars(
        select(Credential.connector)
        .where(Credential.integration_id == integration_id)
        .order_by(Credential.connector)
    )
    return [_check_connector(name) for name in names]


def delete_credentials(session: Session, integration_id: int, connector: Connector) -> bool:
    """Forget the connector's credentials; True if there were any."""
    result = session.execute(
        delete(Credential).where(
            Credential.integration_id == integration_id, Credential.connector == connector
        )
    )
    return rows_affected(result) > 0
