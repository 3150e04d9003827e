"""Login throttling: after ``MAX_FAILURES`` failed logins for one name or from one address within
``WINDOW``, every login for it is refused (even with the right password) until the oldest of
those failures is older than the window. Counted in the database, so every process agrees."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy.orm import Session

from orderbridge.passwords import hash_password, password_matches
from orderbridge.store.login_failures import clear_failures, recent_failures, record_failure
from orderbridge.store.tables import User
from orderbridge.store.users import get_user

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


@cache
def _no_such_user() -> str:
    """A hash verified against when the name is unknown, so the answer takes as long either
    way; made on first use, not at import (an argon2 hash costs every CLI start ~0.2 s)."""
    return hash_password(secrets.token_hex(16))


class LoginRefused(Exception):
    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.throttled = throttled


def check_login(session: Session, name: str, password: str, address: str,
                now: datetime) -> User | LoginRefused:
    """The user these credentials name, or a ``LoginRefused`` saying why in a merchant's words
    (never which of name and password was wrong). Returned, not raised: the failure it records
    must be committed."""
    if recent_failures(session, name, address, now - WINDOW) >= MAX_FAILURES:
        return LoginRefused(f"Too many failed logins. Wait {WINDOW.seconds // 60} minutes, then "
                           "try again.", throttled=True)
    user = get_user(session, name)
    if user is None or not password_matches(user.password_hash, password):
        if user is None:
            password_matches(_no_such_user(), password)
        record_failure(session, name, address, now)
        return LoginRefused("Wrong user name or password.")
    clear_failures(session, name, before=now - WINDOW)
    user.last_login_at = now
    return user
