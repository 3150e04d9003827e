"""Jinja2 pages: every page gets the user, the CSRF token, the flash messages and the menu.

Autoescaping is on for every template (Jinja2Templates' default for .html), so nothing a buyer
typed into an order can run in the merchant's browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from orderbridge.crypto import mask
from orderbridge.web.csrf import csrf_token

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.filters["mask"] = mask

MENU = [
    ("/", "Dashboard"),
    ("/orders", "Orders"),
    ("/alerts", "Alerts"),
    ("/connections", "Connections"),
    ("/mappings", "Mappings"),
    ("/inventory", "Inventory"),
    ("/jobs", "Jobs"),
    ("/notifications", "Notifications"),
    ("/webhooks", "Webhooks"),
    ("/audit", "Audit"),
]
_FLASH = "flash"


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A message shown on the next page (after a redirect), then forgotten."""
    request.session.setdefault(_FLASH, []).append([kind, message])


def render(request: Request, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    flashes = request.session.pop(_FLASH, [])
    return TEMPLATES.TemplateResponse(request, template, {
        "user": getattr(request.state, "user", None), "csrf_token": csrf_token(request),
        "flashes": flashes, "menu": MENU, "path": request.url.path, **context,
    }, status_code=status_code)
