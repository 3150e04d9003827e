"""The ``cust_ref`` ledger: short order references that are unique and never reused.

A reference, once handed to a channel order, stays with it in ``cust_refs`` even if the order
row is deleted, so a re-downloaded order gets its old reference back and no other order can
ever take it (CartRover's warning: wiped orders come back and ship twice). How candidates are
made (length, characters, suffixes) is the sync layer's business; this module only hands out
the first free one. No function here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.store._upsert import insert_or_ignore
from orderbridge.store.tables import CustRef
from orderbridge.store.tables.columns import utcnow

MAX_CUST_REF_LENGTH = 64


class NoFreeCustRefError(RuntimeError):
    """Every candidate reference was already taken by another order."""


def cust_ref_for(session: Session, integration_id: int, channel_order_id: str) -> str | None:
    """The reference already given to ``channel_order_id``, or ``None``."""
    return session.scalars(
        select(CustRef.cust_ref).where(
            CustRef.integration_id == integration_id,
            CustRef.channel_order_id == channel_order_id,
        )
    ).one_or_none()


def cust_ref_owner(session: Session, integration_id: int, cust_ref: str) -> str | None:
    """The channel order id holding ``cust_ref``, or ``None`` if it is free."""
    return session.scalars(
        select(CustRef.channel_order_id).where(
            CustRef.integration_id == integration_id, CustRef.cust_ref == cust_ref
        )
    ).one_or_none()


def reserve_cust_ref(
    session: Session,
    integration_id: int,
    channel_order_id: str,
    candidates: Iterable[str],
    *,
    at: datetime | None = None,
) -> str:
    """The reference of ``channel_order_id``: its existing one, else the first free candidate.

    Candidates are tried in order and consumed lazily, so an endless generator is fine. Safe
    under concurrency: a reference is claimed by an ``INSERT ... ON CONFLICT DO NOTHING`` and
    then read back, so two orders can never end up with the same one. Raises
    ``NoFreeCustRefError`` when the candidates run out.
    """
    existing = cust_ref_for(session, integration_id, channel_order_id)
    if existing is not None:
        return existing
    tried = 0
    for candidate in candidates:
        if not candidate or len(candidate) > MAX_CUST_REF_LENGTH:
            raise ValueError(
                f"cust_ref candidate {candidate!r} must be 1-{MAX_CUST_REF_LENGTH} characters"
            )
        tried += 1
        insert_or_ignore(
            session,
            CustRef,
            {
                "integration_id": integration_id,
                "cust_ref": candidate,
                "channel_order_id": channel_order_id,
                "created_at": at or utcnow(),
            },
            conflict_on=None,
        )
        if cust_ref_owner(session, integration_id, candidate) == channel_order_id:
            return candidate
        # A concurrent download of the same order may have claimed another candidate.
        existing = cust_ref_for(session, integration_id, channel_order_id)
        if existing is not None:
            return existing
    raise NoFreeCustRefError(
        f"no free cust_ref for channel order {channel_order_id!r} after {tried} candidates"
    )
