"""``/api/v1/mappings``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/mappings", tags=["mappings"])
