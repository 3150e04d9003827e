"""The QBC simulator's OAuth 2 endpoints: `GET /oauth/authorize` and `POST /oauth/token`.

They let the hub (and anyone trying it) go through the real authorization-code flow of reference
§2 instead of only using the privileged token. Choices where the reference is silent:

- **No user login.** `/oauth/authorize` approves at once, for account 1 unless the query names
  another with `account_id=<n>` (a sandbox-only parameter), and answers 302 to
  `redirect_uri?code=...[&state=...]` (query parameters already in redirect_uri are kept).
- **Errors never redirect.** A bad authorize request answers 400 with an RFC 6749 §5.2-shaped
  JSON body (`invalid_client`, `unsupported_response_type`, `invalid_request`, `invalid_scope`),
  which is easier to read than an error bounced back to the caller's page. Any http(s) URL is
  accepted as redirect_uri (the sandbox app has no registered redirect URIs); other schemes and
  relative URLs are refused. The only scope is `public`.
- **Codes** are single-use and expire after 10 minutes (`TokenRegistry.code_ttl_s`).
- **Token requests** may be a JSON body (as the docs send) or a form body (as OAuth libraries
  send, reference §10 Q6); query-string parameters are read too, body values winning (Rails
  merges both). Client credentials may also come as HTTP Basic auth (RFC 6749 §2.3.1).
- **Refresh** rotates the refresh token and, by default, revokes the access token it replaces
  (see `tokens.py`). Only `authorization_code` and `refresh_token` grants exist; `password`,
  `client_credentials` and anything else answer `unsupported_grant_type`.
- **Error order** on `/oauth/token`: malformed body or missing grant_type (400
  `invalid_request`), unknown grant (400 `unsupported_grant_type`), client authentication (401
  `invalid_client`, with `WWW-Authenticate`), missing grant parameters (400 `invalid_request`),
  then the code or refresh token itself (400 `invalid_grant`).
"""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from orderbridge.sandbox.qbc.tokens import (
    DEFAULT_ACCOUNT_ID,
    AccessToken,
    InvalidGrant,
    OAuthApp,
    RefreshToken,
    TokenRegistry,
)

SCOPE = "public"
GRANT_TYPES = ("authorization_code", "refresh_token")
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(Exception):
    """An RFC 6749 §5.2 error: `{"error": code, "error_description": description}`."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


def build_oauth_router(tokens: TokenRegistry) -> APIRouter:
    """`/oauth/authorize` and `/oauth/token`, issuing into `tokens`."""
    router = APIRouter()

    @router.get("/oauth/authorize", response_model=None)
    def authorize(request: Request) -> Response:
        try:
            return _authorize(tokens, dict(request.query_params))
        except OAuthError as error:
            return _error_response(error)

    @router.post("/oauth/token", response_model=None)
    async def token(request: Request) -> Response:
        try:
            params = token_params(await request.body(), request.headers.get("content-type", ""),
                                  dict(request.query_params))
            return _token(tokens, params, request.headers.get("authorization"))
        except OAuthError as error:
            return _error_response(error)

    return router


def _authorize(tokens: TokenRegistry, query: dict[str, str]) -> Response:
    client_id = query.get("client_id")
    if not client_id:
        raise OAuthError("invalid_request", "client_id is required")
    app = tokens.app_by_client_id(client_id)
    if app is None:
        raise OAuthError("invalid_client", f"unknown client_id {client_id!r}")
    response_type = query.get("response_type")
    if not response_type:
        raise OAuthError("invalid_request", "response_type is required (use 'code')")
    if response_type != "code":
        raise OAuthError("unsupported_response_type",
                         f"response_type {response_type!r} is not supported; use 'code'")
    redirect_uri = query.get("redirect_uri", "")
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OAuthError("invalid_request", "redirect_uri must be an absolute http(s) URL")
    if query.get("scope", SCOPE) != SCOPE:
        raise OAuthError("invalid_scope", f"the only scope is {SCOPE!r}")
    account_id = _account_id(query.get("account_id"))
    grant = tokens.issue_authorization_code(app.app_id, account_id, redirect_uri)
    answer = [("code", grant.code)]
    if "state" in query:
        answer.append(("state", query["state"]))
    query_out = urlencode(parse_qsl(parts.query, keep_blank_values=True) + answer)
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, query_out, parts.fragment))
    return RedirectResponse(location, status_code=302)


def _account_id(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_ACCOUNT_ID
    if not raw.isdigit() or int(raw) < 1:
        raise OAuthError("invalid_request", "account_id must be a positive integer")
    return int(raw)


def _token(tokens: TokenRegistry, params: dict[str, str], authorization: str | None) -> Response:
    grant_type = params.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required")
    if grant_type not in GRANT_TYPES:
        raise OAuthError("unsupported_grant_type",
                         f"grant_type {grant_type!r} is not supported; use one of "
                         + ", ".join(GRANT_TYPES))
    app = _authenticate_client(tokens, params, authorization)
    try:
        if grant_type == "authorization_code":
            code = _required(params, "code")
            redirect_uri = _required(params, "redirect_uri")
            pair = tokens.redeem_authorization_code(code, app.app_id, redirect_uri)
        else:
            pair = tokens.refresh(_required(params, "refresh_token"), app.app_id)
    except InvalidGrant as exc:
        raise OAuthError("invalid_grant", str(exc)) from exc
    return JSONResponse(_token_body(*pair, ttl_s=tokens.access_ttl_s), headers=_NO_STORE)


def _authenticate_client(tokens: TokenRegistry, params: dict[str, str],
                         authorization: str | None) -> OAuthApp:
    client_id, client_secret = client_credentials(params, authorization)
    app = tokens.app_by_client_id(client_id) if client_id else None
    if app is None or client_secret is None or app.client_secret != client_secret:
        raise OAuthError("invalid_client", "client authentication failed: unknown client_id "
                         "or wrong client_secret", status=401)
    return app


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise OAuthError("invalid_request", f"{name} is required")
    return value


def _token_body(access: AccessToken, refresh: RefreshToken, ttl_s: int) -> dict[str, object]:
    return {
        "access_token": access.token,
        "token_type": "bearer",
        "expires_in": ttl_s,
        "refresh_token": refresh.token,
        "scope": access.scope,
        "created_at": int(access.created_at or 0),
    }


def _error_response(error: OAuthError) -> JSONResponse:
    headers = dict(_NO_STORE)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="oauth"'
    return JSONResponse({"error": error.code, "error_description": error.description},
                        status_code=error.status, headers=headers)


def token_params(body: bytes, content_type: str, query: dict[str, str]) -> dict[str, str]:
    """The token request's parameters from a JSON or form body, over the query string's."""
    params = dict(query)
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return params
    if "json" in content_type or ("form" not in content_type and text.startswith("{")):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise OAuthError("invalid_request", f"the body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise OAuthError("invalid_request", "the JSON body must be an object")
        params.update({str(k): str(v) for k, v in data.items() if v is not None})
    else:
        params.update(parse_qsl(text, keep_blank_values=True))
    return params


def client_credentials(params: dict[str, str],
                       authorization: str | None) -> tuple[str | None, str | None]:
    """(client_id, client_secret) from HTTP Basic auth if present, else from the parameters."""
    if authorization and authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        client_id, _, client_secret = decoded.partition(":")
        return unquote(client_id), unquote(client_secret)
    return params.get("client_id"), params.get("client_secret")
