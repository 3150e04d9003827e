"""The merchant's carrier map: which Houzz carrier code a QBC carrier name stands for.

Entries are keyed by the normalised name the caller gives (the shipments workflow's
``carrier_key``), so "Fed Ex" and "FEDEX" are one entry; the name as typed is kept for
display. No function here commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from orderbridge.store._upsert import rows_affected, upsert
from orderbridge.store.mappings import cleaned_text
from orderbridge.store.tables import CarrierMapping


@dataclass(frozen=True)
class CarrierEntry:
    """One merchant entry of the carrier map."""

    carrier_name: str
    channel_code: str


def _key(key: str) -> str:
    if not key:
        raise ValueError("the carrier name needs at least one letter or digit")
    return key


def clean_carrier(carrier_name: str, channel_code: str) -> tuple[str, str]:
    """The name and code as they are stored (trimmed); ``ValueError`` saying what is wrong
    (blank, a control character, longer than the column)."""
    return (cleaned_text(carrier_name, "the carrier name", CarrierMapping.carrier_name,
                         noun="names"),
            cleaned_text(channel_code, "the Houzz carrier code", CarrierMapping.channel_code,
                         noun="names"))


def set_carrier(session: Session, integration_id: int, carrier_key: str, carrier_name: str,
                channel_code: str) -> None:
    """Map the QBC carrier name to a Houzz carrier code (replacing an earlier entry)."""
    code = channel_code.strip()
    if not code:
        raise ValueError("the Houzz carrier code must not be blank")
    upsert(
        session,
        CarrierMapping,
        {"integration_id": integration_id, "carrier_key": _key(carrier_key),
         "carrier_name": carrier_name.strip(), "channel_code": code},
        conflict_on=["integration_id", "carrier_key"],
        update=["carrier_name", "channel_code"],
    )


def remove_carrier(session: Session, integration_id: int, carrier_key: str) -> bool:
    """Forget the entry of the carrier key; True if there was one."""
    result = session.execute(delete(CarrierMapping).where(
        CarrierMapping.integration_id == integration_id,
        CarrierMapping.carrier_key == _key(carrier_key)))
    return rows_affected(result) > 0


def list_carriers(session: Session, integration_id: int) -> list[CarrierEntry]:
    """The merchant's entries, sorted by name."""
    rows = session.execute(
        select(CarrierMapping.carrier_name, CarrierMapping.channel_code)
        .where(CarrierMapping.integration_id == integration_id)
        .order_by(CarrierMapping.carrier_key))
    return [CarrierEntry(name, code) for name, code in rows]


def carrier_codes(session: Session, integration_id: int) -> dict[str, str]:
    """Carrier key → Houzz code, for the shipments workflow's ``CarrierMap``."""
    rows = session.execute(
        select(CarrierMapping.carrier_key, CarrierMapping.channel_code)
        .where(CarrierMapping.integration_id == integration_id))
    return {key: code for key, code in rows}
