"""Connector credentials, encrypted at rest with a ``SecretBox``.

Values go in as a dict and come back as one, decrypted; in the database they are a single
Fernet token of their JSON. ``StoredCredentials`` hides the values from ``repr`` so a stray log
line shows only masked tails. When the key is lost (key file deleted) or another one is in use,
the error names the integration and the sides to reconnect; and no new key is made while
credentials encrypted with a lost one are stored, unless the caller says the key is lost for
good (`orderbridge connect ... --new-key`). No function here commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from orderbridge.crypto import MissingKeyError, SecretBox, SecretKeyError, WrongKeyError, mask
from orderbridge.store._upsert import rows_affected, upsert
from orderbridge.store.integrations import DEFAULT_INTEGRATION
from orderbridge.store.tables import Credential, Integration
from orderbridge.store.tables.columns import utcnow

Side = Literal["houzz", "qbc"]
AlertChannel = Literal["smtp", "webhook"]
"""Where alerts go: the SMTP password, the webhook signing secret (`workflows.notifications`)."""
WebhookSecret = Literal["qbc_webhooks"]
"""The QBC app secret that signs the webhooks QBC delivers (`workflows.qbc_webhooks`)."""
WEBHOOK_SECRET: WebhookSecret = "qbc_webhooks"
Connector = Literal[Side, AlertChannel, WebhookSecret]
CONNECTORS: tuple[Side, ...] = get_args(Side)
"""The two sides every integration connects (a sync needs both)."""
ALERT_CHANNELS: tuple[AlertChannel, ...] = get_args(AlertChannel)
EVERY_CONNECTOR: tuple[Connector, ...] = (*CONNECTORS, *ALERT_CHANNELS, WEBHOOK_SECRET)


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
    if connector not in EVERY_CONNECTOR:
        raise ValueError(f"unknown connector {connector!r}; expected one of {EVERY_CONNECTOR}")
    return connector


def save_credentials(
    session: Session,
    integration_id: int,
    connector: Connector,
    values: dict[str, str],
    box: SecretBox,
    *,
    base_url: str | None = None,
    new_key: bool = False,
) -> None:
    """Encrypt and store ``values`` for the connector, replacing what was there.

    ``new_key`` allows a new key file when the old one is missing although credentials made
    with it are stored (see `check_new_key`).
    """
    _check_connector(connector)
    check_new_key(session, box, integration_id, connector, new_key=new_key)
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

    Raises ``orderbridge.crypto.WrongKeyError`` if they were encrypted with another key, and
    ``SecretKeyError`` if the key file is missing; both say which sides to reconnect.
    """
    row = session.execute(
        select(Credential.secret, Credential.base_url, Credential.updated_at).where(
            Credential.integration_id == integration_id,
            Credential.connector == _check_connector(connector),
        )
    ).one_or_none()
    if row is None:
        return None
    try:
        values = json.loads(box.decrypt(row.secret))
    except MissingKeyError as exc:
        name = _name(session, integration_id)
        sides = configured_connectors(session, integration_id)
        commands = " and ".join(
            reconnect_command(side, name, new_key=index == 0) for index, side in enumerate(sides))
        raise SecretKeyError(
            f"the key file {exc.path} is missing, so the stored credentials of integration "
            f"{name!r} ({', '.join(sides)}) cannot be read without it; put the file back from a "
            "backup (or set ORDERBRIDGE_SECRET_KEY to the key it held), or, if it is lost, "
            f"reconnect: {commands}") from None
    except WrongKeyError:
        name = _name(session, integration_id)
        raise WrongKeyError(
            f"the stored {connector} credentials of integration {name!r} were encrypted with "
            "another key; set ORDERBRIDGE_SECRET_KEY to the original key or reconnect: "
            f"{reconnect_command(connector, name)}") from None
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


def check_new_key(session: Session, box: SecretBox, integration_id: int | None,
                  connector: Connector, *, new_key: bool) -> None:
    """Refuse to make a new key (the key file is missing) while credentials encrypted with the
    lost one are stored, other than those about to be replaced: they could never be read again
    (and with a database shared between machines, the key may only be missing on this one)."""
    if new_key or not box.makes_new_key:
        return
    rows = session.execute(
        select(Integration.id, Integration.name, Credential.connector)
        .join(Integration, Integration.id == Credential.integration_id)
        .order_by(Integration.name, Credential.connector)
    )
    lost: dict[str, list[str]] = {}
    for id_, name, side in rows:
        if (id_, side) != (integration_id, connector):
            lost.setdefault(name, []).append(side)
    if lost:
        where = ", ".join(f"{name!r} ({', '.join(sides)})" for name, sides in lost.items())
        raise SecretKeyError(
            f"the key file {box.key_file} is missing, but credentials encrypted with the key it "
            f"held are stored (integration {where}); put the file back (or set "
            "ORDERBRIDGE_SECRET_KEY to that key) and connect again; if the key is lost for "
            "good, add --new-key: a new key is made, and those credentials must be reconnected "
            "too")


def reconnect_command(connector: Connector, integration: str, *, new_key: bool = False) -> str:
    """The command that saves the connector's credentials again (arguments elided)."""
    if connector == WEBHOOK_SECRET:
        return "orderbridge webhooks register ..." + (
            f" --integration {integration}" if integration != DEFAULT_INTEGRATION else "")
    if connector in ALERT_CHANNELS:
        what = "SMTP password" if connector == "smtp" else "webhook signing secret"
        return f"enter the {what} again on the Notifications screen"
    flags = (" --new-key" if new_key else "") + (
        f" --integration {integration}" if integration != DEFAULT_INTEGRATION else "")
    return f"orderbridge connect {connector} ...{flags}"


def _name(session: Session, integration_id: int) -> str:
    name = session.scalar(select(Integration.name).where(Integration.id == integration_id))
    return name if name is not None else f"#{integration_id}"
