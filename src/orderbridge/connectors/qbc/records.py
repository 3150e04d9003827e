"""The QBC records the hub reads, typed: orders, the account, locations, pages of a collection.

Each ``*_from`` function reads one record out of whatever JSON QBC sent and gives ``None`` when
it cannot stand for a record (no id, not an object), so one odd record is skipped, not fatal.
Ids are kept as text, the way the store keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")

VOID_STATUSES = frozenset({"void", "deleted"})
SHIPPED_FULFILLMENT = frozenset({"shipped", "partial"})


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a collection: the records read, and whether more pages follow."""

    records: list[T]
    number: int
    last: bool
    unreadable: int = 0
    """Records on the page that could not be read (skipped)."""


@dataclass(frozen=True)
class QbcOrder:
    """A sales order as QBC answers it."""

    id: str
    order_number: str | None = None
    reference_number: str | None = None
    status: str | None = None
    fulfillment_status: str | None = None
    created_at: datetime | None = None
    company_id: str | None = None
    shipping_address_id: str | None = None

    @property
    def is_void(self) -> bool:
        """Voided (or deleted): nothing of it stands in QBC any more."""
        return self.status in VOID_STATUSES

    @property
    def is_deleted(self) -> bool:
        return self.status == "deleted"

    @property
    def is_shipped(self) -> bool:
        """Some or all of it has shipped: too late to void."""
        return self.status == "fulfilled" or self.fulfillment_status in SHIPPED_FULFILLMENT


@dataclass(frozen=True)
class Account:
    """The account a token belongs to (``GET /accounts/current``)."""

    id: str
    name: str | None
    location_ids: tuple[int, ...]
    primary_location_id: int | None


@dataclass(frozen=True)
class Location:
    """A stock location."""

    id: int
    label: str | None
    status: str | None


def order_from(record: Any) -> QbcOrder | None:
    if not isinstance(record, dict) or text(record.get("id")) is None:
        return None
    return QbcOrder(
        id=str(text(record.get("id"))), order_number=text(record.get("order_number")),
        reference_number=text(record.get("reference_number")), status=text(record.get("status")),
        fulfillment_status=text(record.get("fulfillment_status")),
        created_at=moment(record.get("created_at")), company_id=text(record.get("company_id")),
        shipping_address_id=text(record.get("shipping_address_id")))


def account_from(record: Any) -> Account | None:
    if not isinstance(record, dict) or text(record.get("id")) is None:
        return None
    ids = record.get("location_ids")
    locations = tuple(int(x) for x in ids if integer(x) is not None) if isinstance(
        ids, list) else ()
    return Account(str(text(record.get("id"))), text(record.get("name")), locations,
                   integer(record.get("primary_location_id")))


def location_from(record: Any) -> Location | None:
    if not isinstance(record, dict) or integer(record.get("id")) is None:
        return None
    return Location(int(str(record["id"])), text(record.get("label")),
                    text(record.get("status")))


def text(value: Any) -> str | None:
    """A stripped string, or None for absent, empty or structured values."""
    if value is None or isinstance(value, dict | list | bool):
        return None
    result = str(value).strip()
    return result or None


def integer(value: Any) -> int | None:
    """A whole number sent as a number or a string of digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    raw = text(value)
    return int(raw) if raw is not None and raw.isdigit() else None


def moment(value: Any) -> datetime | None:
    """A QBC timestamp (ISO 8601, `Z` allowed) as an aware datetime; None if unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(value: datetime) -> str:
    """A moment as QBC writes them (UTC, `Z`)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
