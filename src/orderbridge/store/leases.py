"""Leases per (integration, job): one process at a time runs a job, on any number of them.

A lease is taken with one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE`` (the row is new, or
its lease expired, or it is already ours), so two processes racing for it cannot both win: on
PostgreSQL the conflicting insert waits for the other transaction and re-checks the condition
against the row it committed; SQLite has one writer at a time. The holder renews it while the
job runs; a holder that dies stops renewing and the lease lapses after its TTL.

Times come from the caller's clock (``now``), not the database's: every process compares its
own clock with the expiry another process wrote. That assumes the hosts' clocks agree to well
within the TTL (60 s by default in ``runtime.lease``; NTP keeps hosts within milliseconds), so
a lease is never seen expired while its holder is still renewing it.

Like every repository function these never commit: run each in its own short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import case, delete, select, text, update
from sqlalchemy.orm import Session

from orderbridge.store._upsert import _insert_for, core, rows_affected, table_of
from orderbridge.store.tables import JobLease


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds a lease, since when and until when (for "running in another process")."""

    holder: str
    acquired_at: datetime
    renewed_at: datetime
    expires_at: datetime


@cache
def _take_statement(dialect: str) -> Any:
    table = table_of(JobLease)
    statement = _insert_for(dialect, table)
    new = statement.excluded
    ours = table.c.holder == new.holder
    return statement.on_conflict_do_update(
        index_elements=["integration_id", "job"],
        set_={
            "holder": new.holder,
            "acquired_at": case((ours, table.c.acquired_at), else_=new.acquired_at),
            "renewed_at": new.renewed_at,
            "expires_at": new.expires_at,
        },
        # a free row, a lapsed lease (its holder stopped renewing), or our own
        where=(table.c.expires_at <= new.renewed_at) | ours,
    ).returning(table.c.holder)  # a row comes back only when the lease is now ours


def take(session: Session, integration_id: int, job: str, holder: str, ttl_s: float,
         now: datetime) -> bool:
    """Take the lease on ``job`` for ``holder`` until ``now + ttl_s``; False if another holder
    has it and it has not expired. Taking a lease one already holds extends it."""
    row = {"integration_id": integration_id, "job": job, "holder": holder,
           "acquired_at": now, "renewed_at": now, "expires_at": now + timedelta(seconds=ttl_s)}
    statement = _take_statement(session.get_bind().dialect.name)
    return core(session).execute(statement, row).first() is not None


def renew(session: Session, integration_id: int, job: str, holder: str, ttl_s: float,
          now: datetime, *, wait_ms: int | None = None) -> bool:
    """Extend ``holder``'s lease to ``now + ttl_s``; False if it is no longer theirs (it
    expired and another holder took it, or it was released). ``wait_ms`` bounds the wait for
    the row on PostgreSQL (for the rest of the transaction); SQLite waits its busy timeout."""
    if wait_ms is not None and session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL statement_timeout = {int(wait_ms)}"))
    result = core(session).execute(
        update(JobLease)
        .where(JobLease.integration_id == integration_id, JobLease.job == job,
               JobLease.holder == holder)
        .values(renewed_at=now, expires_at=now + timedelta(seconds=ttl_s))
    )
    return rows_affected(result) == 1


def take_over(session: Session, integration_id: int, job: str, old_holder: str, holder: str,
              ttl_s: float, now: datetime) -> bool:
    """Give ``old_holder``'s lease to ``holder`` before it expires (its holder is known to be
    dead); False if it is no longer ``old_holder``'s (someone else was quicker)."""
    result = core(session).execute(
        update(JobLease)
        .where(JobLease.integration_id == integration_id, JobLease.job == job,
               JobLease.holder == old_holder)
        .values(holder=holder, acquired_at=now, renewed_at=now,
                expires_at=now + timedelta(seconds=ttl_s))
    )
    return rows_affected(result) == 1


def release(session: Session, integration_id: int, job: str, holder: str) -> bool:
    """Give the lease up, so the next process need not wait for it to expire; False if it was
    no longer ``holder``'s."""
    result = core(session).execute(
        delete(JobLease).where(JobLease.integration_id == integration_id, JobLease.job == job,
                               JobLease.holder == holder)
    )
    return rows_affected(result) == 1


def holder_of(session: Session, integration_id: int, job: str,
              now: datetime) -> LeaseHolder | None:
    """The live holder of the lease on ``job`` at ``now``; None if the job is free."""
    row = session.execute(
        select(JobLease.holder, JobLease.acquired_at, JobLease.renewed_at, JobLease.expires_at)
        .where(JobLease.integration_id == integration_id, JobLease.job == job,
               JobLease.expires_at > now)
    ).one_or_none()
    return None if row is None else LeaseHolder(*row)
