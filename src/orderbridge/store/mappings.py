"""SKU aliases and the ship-method map: how channel codes become warehouse codes.

Keys are matched exactly (after trimming surrounding spaces on the way in): ``ABC-1`` and
``abc-1`` are different SKUs, as they are in most catalogs. Every code is checked on the way
in against its column (length, no control characters), so a bad one is refused with a message
instead of failing in the database (PostgreSQL refuses NUL and over-long text; SQLite would
keep them). No function here commits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlalchemy import String, delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from orderbridge.store._upsert import rows_affected, upsert
from orderbridge.store.tables import ShipMethodMapping, SkuAlias

_UNPRINTABLE = {"Cc", "Cs", "Zl", "Zp"}  # controls (NUL, tab, line breaks), lone surrogates


def unprintable_character(text: str) -> str | None:
    """The first character of ``text`` that cannot be part of a code typed on one line."""
    return next((char for char in text if unicodedata.category(char) in _UNPRINTABLE), None)


def cleaned_text(value: str, what: str, column: InstrumentedAttribute[str], *,
                 noun: str = "codes") -> str:
    """``value`` trimmed, as ``column`` stores it; ``ValueError`` saying what is wrong (blank,
    a control character, longer than the column)."""
    cleaned = value.strip()
    if not cleaned:
        raise ValueError(f"{what} must not be blank")
    bad = unprintable_character(cleaned)
    if bad is not None:
        raise ValueError(f"{what} {cleaned[:40]!r} holds the control character "
                         f"U+{ord(bad):04X}; {noun} are one line of printable text")
    limit = column.type.length if isinstance(column.type, String) else None
    if limit is not None and len(cleaned) > limit:
        raise ValueError(f"{what} {cleaned[:20]!r}... is {len(cleaned)} characters long; "
                         f"at most {limit} fit")
    return cleaned


def clean_alias(channel_sku: str, warehouse_sku: str) -> tuple[str, str]:
    """The pair as it is stored (trimmed); ``ValueError`` saying what is wrong with it."""
    return (cleaned_text(channel_sku, "the channel SKU", SkuAlias.channel_sku),
            cleaned_text(warehouse_sku, "the warehouse SKU", SkuAlias.warehouse_sku))


def add_alias(session: Session, integration_id: int, channel_sku: str, warehouse_sku: str) -> None:
    """Make ``channel_sku`` stand for ``warehouse_sku`` (replacing an earlier alias)."""
    channel, warehouse = clean_alias(channel_sku, warehouse_sku)
    upsert(
        session,
        SkuAlias,
        {"integration_id": integration_id, "channel_sku": channel, "warehouse_sku": warehouse},
        conflict_on=["integration_id", "channel_sku"],
        update=["warehouse_sku"],
    )


def import_aliases(session: Session, integration_id: int, pairs: Iterable[tuple[str, str]]) -> int:
    """Add every ``(channel_sku, warehouse_sku)`` pair; later pairs win. Returns the count.

    All pairs are checked before any is written, so one bad SKU rejects the whole import.
    """
    cleaned = [clean_alias(channel, warehouse) for channel, warehouse in pairs]
    for channel, warehouse in cleaned:
        add_alias(session, integration_id, channel, warehouse)
    return len(cleaned)


def remove_alias(session: Session, integration_id: int, channel_sku: str) -> bool:
    """Delete the alias of ``channel_sku``; True if there was one."""
    result = session.execute(
        delete(SkuAlias).where(
            SkuAlias.integration_id == integration_id, SkuAlias.channel_sku == channel_sku.strip()
        )
    )
    return rows_affected(result) > 0


def list_aliases(session: Session, integration_id: int) -> dict[str, str]:
    """Every alias of the integration: channel SKU → warehouse SKU, sorted by channel SKU."""
    rows = session.execute(
        select(SkuAlias.channel_sku, SkuAlias.warehouse_sku)
        .where(SkuAlias.integration_id == integration_id)
        .order_by(SkuAlias.channel_sku)
    )
    return {channel: warehouse for channel, warehouse in rows}


def set_ship_method(
    session: Session, integration_id: int, channel_code: str, warehouse_value: str
) -> None:
    """Map the channel shipping code to what the warehouse gets (replacing an earlier map)."""
    upsert(
        session,
        ShipMethodMapping,
        {
            "integration_id": integration_id,
            "channel_code": cleaned_text(channel_code, "the channel shipping code",
                                   ShipMethodMapping.channel_code),
            "warehouse_value": cleaned_text(warehouse_value, "the warehouse value",
                                      ShipMethodMapping.warehouse_value),
        },
        conflict_on=["integration_id", "channel_code"],
        update=["warehouse_value"],
    )


def ship_method_map(session: Session, integration_id: int) -> dict[str, str]:
    """The whole map: channel code → warehouse value, sorted by channel code."""
    rows = session.execute(
        select(ShipMethodMapping.channel_code, ShipMethodMapping.warehouse_value)
        .where(ShipMethodMapping.integration_id == integration_id)
        .order_by(ShipMethodMapping.channel_code)
    )
    return {code: value for code, value in rows}


def remove_ship_method(session: Session, integration_id: int, channel_code: str) -> bool:
    """Delete the mapping of ``channel_code``; True if there was one."""
    result = session.execute(
        delete(ShipMethodMapping).where(
            ShipMethodMapping.integration_id == integration_id,
            ShipMethodMapping.channel_code == channel_code.strip(),
        )
    )
    return rows_affected(result) > 0
