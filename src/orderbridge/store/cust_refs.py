"""The ``cust_ref`` ledger: short order references that are unique and never reused.

A reference, once handed to a channel order, stays with it in ``cust_refs`` even if the order
row is deleted, so a re-downloaded order gets its old reference back and no other order can
ever take it (CartRover's warning: wiped orders come back and ship twice). How candidates are
made (length, characters, suffixes) is the sync layer's business; this module only hands out
the first free one. No function here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.store._upsert import core, insert_ignoring, insert_or_ignore
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
        _check_candidate(candidate)
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


def reserve_cust_refs(
    session: Session,
    integration_id: int,
    channel_order_ids: Sequence[str],
    candidates: Callable[[str], Iterable[str]],
    *,
    at: datetime | None = None,
) -> dict[str, str]:
    """``reserve_cust_ref`` for a page of orders at once: ``{channel_order_id: cust_ref}``.

    One query reads the references already given, one ``INSERT ... ON CONFLICT DO NOTHING
    RETURNING`` claims every other order's first candidate (in the order given, so the first
    order wins a shared candidate, as one call per order would); an order whose first
    candidate was taken goes through ``reserve_cust_ref``.
    """
    wanted = list(dict.fromkeys(channel_order_ids))
    if not wanted:
        return {}
    given: dict[str, str] = dict(
        session.execute(
            select(CustRef.channel_order_id, CustRef.cust_ref).where(
                CustRef.integration_id == integration_id,
                CustRef.channel_order_id.in_(wanted),
            )
        ).all()
    )
    rows = []
    for channel_order_id in wanted:
        if channel_order_id in given:
            continue
        first = next(iter(candidates(channel_order_id)), None)
        if first is not None:
            _check_candidate(first)
            rows.append({"integration_id": integration_id, "cust_ref": first,
                         "channel_order_id": channel_order_id, "created_at": at or utcnow()})
    if rows:
        statement = insert_ignoring(session.get_bind().dialect.name, CustRef, None,
                                    returning=("channel_order_id", "cust_ref"))
        given.update(core(session).execute(statement, rows).all())
    for channel_order_id in wanted:
        if channel_order_id not in given:
            given[channel_order_id] = reserve_cust_ref(
                session, integration_id, channel_order_id, candidates(channel_order_id), at=at)
    return {channel_order_id: given[channel_order_id] for channel_order_id in wanted}


def _check_candidate(candidate: str) -> None:
    if not candidate or len(candidate) > MAX_CUST_REF_LENGTH:
        raise ValueError(
            f"cust_ref candidate {candidate!r} must be 1-{MAX_CUST_REF_LENGTH} characters"
        )
