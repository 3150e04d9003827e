"""Users of the web app and their API tokens. Hashing happens above (``orderbridge.passwords``):
this module stores and finds hashes only. No function here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from orderbridge.store.tables import ApiToken, User
from orderbridge.store.tables.columns import utcnow


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def get_user(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).one_or_none()


def get_user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def save_user(session: Session, name: str, password_hash: str) -> tuple[User, bool]:
    """Add the user, or give an existing one the new password hash: ``(user, created)``."""
    user = get_user(session, name)
    if user is not None:
        user.password_hash = password_hash
        session.flush()
        return user, False
    user = User(name=name, password_hash=password_hash, created_at=utcnow())
    session.add(user)
    session.flush()
    return user, True


def add_token(session: Session, name: str, token_hash: str, prefix: str) -> ApiToken:
    token = ApiToken(name=name, token_hash=token_hash, prefix=prefix, created_at=utcnow())
    session.add(token)
    session.flush()
    return token


def get_token_by_name(session: Session, name: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.name == name)).one_or_none()


def find_token(session: Session, token_hash: str, *, at: datetime | None = None
               ) -> ApiToken | None:
    """The token with this hash (its last use stamped), or None."""
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)
                            ).one_or_none()
    if token is not None:
        token.last_used_at = at or utcnow()
    return token


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.name)))


def revoke_token(session: Session, name: str) -> bool:
    result = session.execute(delete(ApiToken).where(ApiToken.name == name))
    return bool(getattr(result, "rowcount", 0))
