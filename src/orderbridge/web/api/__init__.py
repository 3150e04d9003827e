"""The REST API under ``/api/v1``: one router per resource, every one behind the bearer-token
guard (put on the parent router, so a new resource cannot be left open). Errors are JSON
``{"error": "..."}`` (`web.app`). The OpenAPI schema (``/openapi.json``) and its page
(``/docs``) want a token or a logged-in user too."""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse

from orderbridge.web.auth import require_token, session_user
from orderbridge.web.templating import render

PREFIX = "/api/v1"
RESOURCES = ("integrations", "orders", "alerts", "mappings", "jobs")
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API token", "model": None},
}


def router() -> APIRouter:
    parent = APIRouter(prefix=PREFIX, dependencies=[Depends(require_token)],
                       responses=ERROR_RESPONSES)
    for resource in RESOURCES:
        parent.include_router(importlib.import_module(f"{__name__}.{resource}").router)
    return parent


def _user_or_token(request: Request) -> None:
    if session_user(request) is None:
        if not request.headers.get("Authorization"):
            raise HTTPException(401, "Log in, or send an API token: Authorization: Bearer "
                                     "<token>", headers={"WWW-Authenticate": "Bearer"})
        require_token(request)


def schema_router(app: FastAPI) -> APIRouter:
    """``/openapi.json`` and ``/docs`` (a page listing every endpoint, no script from a CDN)."""
    schema_routes = APIRouter(dependencies=[Depends(_user_or_token)], include_in_schema=False)

    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = get_openapi(title="orderbridge API", version=app.version,
                                             routes=app.routes, description=__doc__)
        return app.openapi_schema

    @schema_routes.get("/openapi.json")
    def openapi_json() -> JSONResponse:
        return JSONResponse(schema())

    @schema_routes.get("/docs")
    def docs(request: Request) -> HTMLResponse:
        endpoints = [(method.upper(), path, operation.get("summary", ""),
                      operation.get("description", ""))
                     for path, methods in schema()["paths"].items()
                     for method, operation in methods.items()]
        return render(request, "api_docs.html", endpoints=endpoints)

    return schema_routes
