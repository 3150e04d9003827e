"""The screens, one router each. Every router but the login one is made by `page_router`, which
puts the login guard and the CSRF check on the router itself (never per route), so a screen
added later is protected without anyone remembering to."""

from __future__ import annotations

import importlib

from fastapi import APIRouter, Depends

from orderbridge.web.auth import require_user
from orderbridge.web.csrf import csrf_protected

SCREENS = ("dashboard", "orders", "alerts", "connections", "mappings", "inventory", "jobs",
           "notifications", "webhooks", "audit")
"""The screen modules, in menu order; each has a ``router`` made by `page_router`."""


def routers() -> list[APIRouter]:
    return [importlib.import_module(f"{__name__}.{screen}").router for screen in SCREENS]


def page_router() -> APIRouter:
    return APIRouter(dependencies=[Depends(require_user), Depends(csrf_protected)],
                     include_in_schema=False)
