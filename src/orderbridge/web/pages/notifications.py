"""The notifications screen."""

from __future__ import annotations

from orderbridge.web.pages import page_router

router = page_router()
