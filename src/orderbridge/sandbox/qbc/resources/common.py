"""Shared pieces of the resource routes: the caller dependency and record lookup by id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from orderbridge.sandbox.qbc.auth import current_caller
from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import not_found

T = TypeVar("T")

CallerDep = Annotated[Caller, Depends(current_caller)]


def find(records: Mapping[int, T], raw_id: str, resource: str) -> T:
    """The record with id `raw_id`, or the 404 `Couldn't find <resource> with id <id>`."""
    try:
        record = records.get(int(raw_id))
    except ValueError:
        record = None
    if record is None:
        raise not_found(resource, raw_id)
    return record


def includes(request: Request) -> set[str]:
    raw = request.query_params.get("include", "")
    return {part.strip() for part in raw.split(",") if part.strip()}
