"""Logging in and out, and the one-time setup link that makes the first user."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from orderbridge.passwords import hash_password, user_name_problem, weak_password_reason
from orderbridge.store.tables.columns import utcnow
from orderbridge.store.users import count_users, save_user
from orderbridge.web.auth import log_in, require_user, session_user, store_of
from orderbridge.web.csrf import csrf_protected
from orderbridge.web.templating import flash, render
from orderbridge.web.throttle import LoginRefused, check_login

router = APIRouter(dependencies=[Depends(csrf_protected)], include_in_schema=False)
logout_router = APIRouter(dependencies=[Depends(require_user), Depends(csrf_protected)],
                          include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only a path of this site (no ``//host``): the login form must not redirect elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if session_user(request) is not None:
        return RedirectResponse(_safe_next(next), 303)
    with store_of(request).session() as session:
        no_users = count_users(session) == 0
    return render(request, "login.html", next=_safe_next(next), name="", error=None,
                  no_users=no_users)


@router.post("/login")
def login(request: Request, name: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)],
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    address = request.client.host if request.client else "unknown"
    with store_of(request).begin() as session:
        outcome = check_login(session, name.strip(), password, address, utcnow())
    if isinstance(outcome, LoginRefused):
        return render(request, "login.html", status_code=429 if outcome.throttled else 401,
                      next=_safe_next(next), name=name, error=outcome.message, no_users=False)
    log_in(request, outcome)
    return RedirectResponse(_safe_next(next), 303)


@logout_router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    flash(request, "You are logged out.")
    return RedirectResponse("/login", 303)


def setup_link_token() -> str:
    """The secret part of the one-time setup link (kept by the app, printed by `serve`)."""
    return secrets.token_urlsafe(24)


def _setup_allowed(request: Request, token: str) -> bool:
    expected = request.app.state.setup_token
    if not isinstance(expected, str) or not secrets.compare_digest(token, expected):
        return False
    with store_of(request).session() as session:
        return count_users(session) == 0


@router.get("/setup/{token}")
def setup_page(request: Request, token: str) -> Response:
    if not _setup_allowed(request, token):
        return render(request, "error.html", status_code=404, title="This link does not work",
                      message="The setup link works once, until the first user exists. Log in, "
                              "or add a user with: orderbridge user add NAME")
    return render(request, "setup.html", name="", error=None)


@router.post("/setup/{token}")
def setup(request: Request, token: str, name: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)]) -> Response:
    if not _setup_allowed(request, token):
        return render(request, "error.html", status_code=404, title="This link does not work",
                      message="The setup link works once, until the first user exists.")
    name = name.strip()
    problem = user_name_problem(name) or weak_password_reason(password)
    if problem is not None:
        return render(request, "setup.html", status_code=400, name=name, error=problem)
    with store_of(request).begin() as session:
        user, _ = save_user(session, name, hash_password(password))
    request.app.state.setup_token = None
    log_in(request, user)
    flash(request, f"Welcome, {name}. Connect Houzz and QuickBooks Commerce to begin.")
    return RedirectResponse("/connections", 303)

