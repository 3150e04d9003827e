"""Failed logins, counted per name and per address over a window, for throttling. Rows are
shared by every web process, so throttling holds however many serve the app. No function here
commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from orderbridge.store.tables import LoginFailure


def record_failure(session: Session, name: str, address: str, at: datetime) -> None:
    session.add(LoginFailure(name=name[:64], address=address[:64], failed_at=at))
    session.flush()


def recent_failures(session: Session, name: str, address: str, since: datetime) -> int:
    """Failures for this name or from this address since ``since``: the larger count."""
    by_name = session.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.name == name[:64], LoginFailure.failed_at >= since)) or 0
    by_address = session.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.address == address[:64], LoginFailure.failed_at >= since)) or 0
    return max(by_name, by_address)


def clear_failures(session: Session, name: str, *, before: datetime) -> None:
    """Forget the name's failures after a good login (its address keeps its count: one good
    login must not reset a password spray), and every failure from before ``before``."""
    session.execute(delete(LoginFailure).where(or_(
        LoginFailure.name == name[:64], LoginFailure.failed_at < before)))
