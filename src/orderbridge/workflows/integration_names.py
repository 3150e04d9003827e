"""What an integration may be called, and creating one by its name (the Connections
screen's "another integration"; the CLI's `--integration` follows the same rules)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from orderbridge.errors import UsageError
from orderbridge.store import integrations
from orderbridge.store.mappings import unprintable_character
from orderbridge.store.tables import Integration

MAX_INTEGRATION_NAME = 64


def checked_name(name: str) -> str:
    """``name`` if an integration could be called that, else a `UsageError` saying why."""
    if not name.strip():
        raise UsageError("the integration name is empty; give it a name")
    bad = unprintable_character(name)
    if bad is not None:
        raise UsageError(f"the integration name {name!r} holds the control character "
                         f"U+{ord(bad):04X}; use letters, digits, spaces, - or _")
    if name != name.strip():
        raise UsageError(f"the integration name {name!r} starts or ends with a space; write "
                         "it without")
    if len(name) > MAX_INTEGRATION_NAME:
        raise UsageError(f"the integration name is {len(name)} characters long; at most "
                         f"{MAX_INTEGRATION_NAME} are allowed")
    return name


def create_integration(session: Session, name: str) -> Integration:
    """A new integration called ``name``; a `UsageError` if the name is taken or not allowed."""
    checked_name(name)
    if integrations.get_integration(session, name) is not None:
        raise UsageError(f"there is already an integration named {name!r}")
    return integrations.get_or_create_integration(session, name)
