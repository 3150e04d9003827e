"""Who is asking: a user by the session cookie (pages), a program by its bearer token (API).

The session holds the user's id and a fingerprint of their password hash, so changing a password
(`orderbridge user add NAME` again) logs out every session made with the old one. Anonymous
requests get a redirect to the login page (pages) or a 401 (API): the dependencies here are put
on the routers, not on each route, so a new route cannot be left open.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from orderbridge.passwords import token_hash
from orderbridge.store import Store
from orderbridge.store.tables import ApiToken, User
from orderbridge.store.users import find_token, get_user_by_id

SESSION_USER = "user_id"
SESSION_FINGERPRINT = "user_fp"


class LoginRequired(Exception):
    """No logged-in user: the app answers with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def store_of(request: Request) -> Store:
    store = request.app.state.store
    assert isinstance(store, Store)
    return store


def db(request: Request) -> Iterator[Session]:
    """A transaction for the request, committed when the handler returns without raising."""
    with store_of(request).begin() as session:
        yield session


DbSession = Annotated[Session, Depends(db)]
"""A handler parameter: the request's transaction."""


def fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def session_user(request: Request) -> User | None:
    """The logged-in user, or None (no session, a deleted user, a changed password)."""
    user_id = request.session.get(SESSION_USER)
    if not isinstance(user_id, int):
        return None
    with store_of(request).session() as session:
        user = get_user_by_id(session, user_id)
    if user is None or request.session.get(SESSION_FINGERPRINT) != fingerprint(user):
        return None
    return user


def log_in(request: Request, user: User) -> None:
    """A fresh session for the user (a new CSRF token too: no fixation)."""
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_FINGERPRINT] = fingerprint(user)


def require_user(request: Request) -> User:
    """The pages' guard."""
    user = session_user(request)
    if user is None:
        path = request.url.path
        raise LoginRequired(path if request.method == "GET" else "/")
    request.state.user = user
    return user


def require_token(request: Request) -> ApiToken:
    """The API's guard: ``Authorization: Bearer <token>`` made by `orderbridge token create`."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise HTTPException(401, "Send an API token: Authorization: Bearer <token> (make one "
                                 "with: orderbridge token create NAME)",
                            headers={"WWW-Authenticate": "Bearer"})
    with store_of(request).begin() as session:
        token = find_token(session, token_hash(value.strip()))
    if token is None:
        raise HTTPException(401, "This API token is not valid (revoked, or mistyped)",
                            headers={"WWW-Authenticate": "Bearer"})
    return token
