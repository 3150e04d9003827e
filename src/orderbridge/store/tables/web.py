"""The people and programs that use the web app, and what the jobs did (for its pages).

Passwords and API tokens are stored only as hashes (argon2 for passwords, SHA-256 for tokens,
which are long random strings); a token's first characters are kept to tell tokens apart.
Failed logins are rows, so throttling holds across processes and restarts. A job run is one row
per run that did something (``runtime.jobs.run_job``), for the dashboard and the jobs page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.store.tables.base import Base
from orderbridge.store.tables.columns import JsonDocument, UtcDateTime, utcnow
from orderbridge.store.tables.integration import INTEGRATION_FK


class User(Base):
    """Someone who logs in to the web app."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiToken(Base):
    """A bearer token for ``/api/v1``; shown once when made, stored as its SHA-256."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginFailure(Base):
    """One failed login, by the name tried and the address it came from."""

    __tablename__ = "login_failures"
    __table_args__ = (Index(None, "name", "failed_at"), Index(None, "address", "failed_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class JobRun(Base):
    """One run of one job of one integration: when, how it ended, what it counted."""

    __tablename__ = "job_runs"
    __table_args__ = (Index(None, "integration_id", "job", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey(INTEGRATION_FK, ondelete="CASCADE"))
    job: Mapped[str] = mapped_column(String(50))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime)
    counts: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(20), default="schedule")
    """What started it: schedule, once (``sync --once``), or web ("run now")."""
