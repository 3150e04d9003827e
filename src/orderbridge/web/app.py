"""The web app factory: sessions, security headers, the screens, the API, and errors that are
pages (or JSON under /api) in a merchant's words, never a traceback.

``create_app(settings)`` opens the store of those settings (or takes one) and, if no user exists
yet, makes the one-time setup link (``app.state.setup_token``, printed by `orderbridge serve`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from orderbridge import __version__
from orderbridge.settings import Settings
from orderbridge.store import Store, open_store
from orderbridge.store.users import count_users
from orderbridge.web import api, audit_runs, metrics_route, pages, qbc_webhook_route
from orderbridge.web.auth import LoginRequired
from orderbridge.web.pages import login
from orderbridge.web.session_key import load_or_create_session_key
from orderbridge.web.templating import render

log = logging.getLogger(__name__)

SESSION_COOKIE = "orderbridge_session"
SESSION_MAX_AGE_S = 12 * 3600
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
}


def create_app(settings: Settings, store: Store | None = None, *,
               secure_cookies: bool = False) -> FastAPI:
    """The app on ``store`` (opened from ``settings`` and closed with the app when not given).
    ``secure_cookies``: send the session cookie over HTTPS only (behind a TLS proxy)."""
    owned = store is None
    the_store = store if store is not None else open_store(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            the_store.close()

    app = FastAPI(title="orderbridge", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = the_store
    app.state.settings = settings
    with the_store.session() as session:
        app.state.setup_token = login.setup_link_token() if count_users(session) == 0 else None
    app.add_middleware(SessionMiddleware, secret_key=load_or_create_session_key(settings.home),
                       session_cookie=SESSION_COOKIE, max_age=SESSION_MAX_AGE_S,
                       same_site="lax", https_only=secure_cookies)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.include_router(login.router)
    app.include_router(login.logout_router)
    for router in pages.routers():
        app.include_router(router)
    app.include_router(api.router())
    app.include_router(api.schema_router(app))
    app.include_router(metrics_route.router)  # its own guard: token or loopback
    qbc_webhook_route.install(app, the_store, settings)  # public: each delivery is signed
    audit_runs.install(app, the_store, settings)
    _error_handlers(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?{urlencode({'next': exc.next_path})}", 303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "The request was refused."
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = "There is nothing at this address."
        if _wants_json(request):
            return JSONResponse({"error": message}, exc.status_code, headers=exc.headers)
        return render(request, "error.html", status_code=exc.status_code,
                      title=_TITLES.get(exc.status_code, "Something went wrong"), message=message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = [{"field": ".".join(str(part) for part in error["loc"][1:]) or "request",
                   "message": error["msg"]} for error in exc.errors()]
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        if _wants_json(request):
            return JSONResponse({"error": f"invalid request: {message}", "fields": fields}, 422)
        return render(request, "error.html", status_code=400, title="That did not work",
                      message=f"Some fields were not understood: {message}")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected failure on %s %s: %s: %s", request.method, request.url.path,
                  type(exc).__name__, exc)
        log.debug("traceback", exc_info=exc)
        message = (f"An unexpected failure ({type(exc).__name__}); it was logged. Try again, "
                   "and report it if it repeats.")
        if _wants_json(request):
            return JSONResponse({"error": message}, 500)
        return render(request, "error.html", status_code=500, title="Something went wrong",
                      message=message)


_TITLES = {400: "That did not work", 401: "Please log in", 403: "Not allowed",
           404: "Not found", 405: "Not allowed", 429: "Slow down"}
