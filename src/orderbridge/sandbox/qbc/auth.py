"""Who is calling: the bearer token, its account, and the account's standing.

Order of checks: a missing, unknown or expired token is 401 (with `WWW-Authenticate`), a lapsed
subscription 402 on every call, a read-only token 403 on writes (reference §6; the 401/402/403
bodies use the same `{"type","message"}` shape as 404, an open question in reference §10.2).
"""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import Headers

from orderbridge.sandbox.qbc.context import Caller, QbcServices
from orderbridge.sandbox.qbc.envelope import base_url_of, typed_error
from orderbridge.sandbox.qbc.tokens import AccessToken

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_CHALLENGE = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


def bearer_token(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(services: QbcServices, headers: Headers) -> AccessToken | None:
    token = bearer_token(headers)
    return services.tokens.authenticate(token) if token else None


def services_of(request: Request) -> QbcServices:
    services: QbcServices = request.app.state.qbc
    return services


def current_caller(request: Request) -> Caller:
    """FastAPI dependency for every API route."""
    services = services_of(request)
    token = bearer_token(request.headers)
    if token is None:
        raise typed_error(401, "Missing access token", _CHALLENGE)
    access = services.tokens.authenticate(token)
    if access is None:
        raise typed_error(401, "The access token is invalid or has expired", _CHALLENGE)
    account = services.state.ensure_account(access.account_id)
    if account.subscription != "active":
        raise typed_error(402, "Your subscription has lapsed; please update your billing details")
    if request.method in WRITE_METHODS and token in services.state.read_only_tokens:
        raise typed_error(403, "This access token is not permitted to make changes")
    base_url = base_url_of(request, services.settings.base_url)
    return Caller(services, account, access.app_id, base_url)
