"""Index endpoints: filters, sorting, pagination and the `X-Pagination` header (reference §3–4).

Filters take single values, arrays (`ids[]=1&ids[]=2`) or, for integer filters, comma lists
(`ids=1,2`). Unknown query parameters are ignored, as a Rails API would. The default sort is
most recent first (line items: by position); `order=<field> asc|desc` accepts `id`,
`created_at` and `updated_at`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

from fastapi import Request
from fastapi.responses import Response

from orderbridge.sandbox.qbc.envelope import JsonDict, bad_request, json_response
from orderbridge.sandbox.qbc.records import Record
from orderbridge.sandbox.qbc.settings import QbcSandboxSettings
from orderbridge.sandbox.qbc.values import parse_moment

R = TypeVar("R", bound=Record)
FilterKind = Literal["int", "str", "tags"]
_SORT_FIELDS = ("id", "created_at", "updated_at")


@dataclass(frozen=True)
class Listing:
    """How one resource's index filters and sorts."""

    filters: dict[str, tuple[FilterKind, Callable[[Any], Any]]] = field(default_factory=dict)
    default_statuses: frozenset[str] | None = None
    has_status: bool = True
    positioned: bool = False


def query_values(request: Request, name: str) -> list[str]:
    query = request.query_params
    return [v for v in (*query.getlist(name), *query.getlist(f"{name}[]")) if v != ""]


def int_values(request: Request, name: str) -> set[int] | None:
    raw = query_values(request, name)
    if not raw:
        return None
    result: set[int] = set()
    for value in raw:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise bad_request(f"Invalid value for {name}: {part}")
            result.add(int(part))
    return result


def _moment(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    moment = parse_moment(raw)
    if moment is None:
        raise bad_request(f"Invalid date for {name}: {raw}")
    return moment


Getter = Callable[[Any], Any]
Test = Callable[[Any], bool]


def _member(getter: Getter, allowed: Collection[object]) -> Test:
    return lambda record: getter(record) in allowed


def _any_tag(getter: Getter, wanted: set[str]) -> Test:
    return lambda record: bool(wanted.intersection(getter(record) or ()))


def _bound(attr: str, moment: datetime, lower: bool) -> Test:
    if lower:
        return lambda record: bool(getattr(record, attr) >= moment)
    return lambda record: bool(getattr(record, attr) <= moment)


def _record_id(record: Any) -> Any:
    return record.id


def _record_status(record: Any) -> Any:
    return record.status


def _predicates(request: Request, listing: Listing) -> list[Test]:
    tests: list[Test] = []
    filters: dict[str, tuple[FilterKind, Getter]] = {"ids": ("int", _record_id),
                                                     **listing.filters}
    for name, (kind, getter) in filters.items():
        if kind == "int":
            ints = int_values(request, name)
            if ints is not None:
                tests.append(_member(getter, ints))
            continue
        strings = set(query_values(request, name))
        if strings:
            tests.append(_any_tag(getter, strings) if kind == "tags" else _member(getter, strings))
    for attr in ("created_at", "updated_at"):
        low, high = _moment(request, f"{attr}_min"), _moment(request, f"{attr}_max")
        if low is not None:
            tests.append(_bound(attr, low, lower=True))
        if high is not None:
            tests.append(_bound(attr, high, lower=False))
    if listing.has_status:
        statuses = set(query_values(request, "status")) or listing.default_statuses
        if statuses:
            tests.append(_member(_record_status, statuses))
    return tests


def _sorted(request: Request, records: list[R], listing: Listing) -> list[R]:
    spec = request.query_params.get("order")
    if spec:
        parts = spec.replace("+", " ").split()
        name = parts[0]
        direction = parts[1].lower() if len(parts) > 1 else "asc"
        if name not in _SORT_FIELDS or direction not in ("asc", "desc") or len(parts) > 2:
            raise bad_request(f"Invalid order: {spec}")
        return sorted(records, key=lambda r: (getattr(r, name), r.id),
                      reverse=direction == "desc")
    if listing.positioned:
        return sorted(records, key=lambda r: (getattr(r, "position", 0), r.id))
    records.reverse()  # stored oldest first; ids grow with creation time
    return records


def select(request: Request, records: Iterable[R], listing: Listing) -> list[R]:
    """The records passing the request's filters, in the requested order."""
    tests = _predicates(request, listing)
    chosen = [r for r in records if all(test(r) for test in tests)] if tests else list(records)
    return _sorted(request, chosen, listing)


def _page_params(request: Request, settings: QbcSandboxSettings) -> tuple[int, int]:
    raw_limit = request.query_params.get("limit")
    raw_page = request.query_params.get("page")
    try:
        limit = settings.default_page_size if raw_limit in (None, "") else int(raw_limit)
        page = 1 if raw_page in (None, "") else int(raw_page)
    except ValueError as exc:
        raise bad_request("limit and page must be integers") from exc
    if limit > settings.max_page_size:
        raise bad_request(f"limit must be less than or equal to {settings.max_page_size}")
    if limit < 0 or page < 1:
        raise bad_request("limit must be 0 or more and page 1 or more")
    return limit, page


def paginate(
    request: Request, records: Sequence[R], settings: QbcSandboxSettings
) -> tuple[Sequence[R], str]:
    """One page of `records` and the `X-Pagination` header value."""
    limit, page = _page_params(request, settings)
    total = len(records)
    if limit == 0:
        meta = {"total_records": total, "total_pages": 1, "first_page": page == 1,
                "last_page": True, "out_of_bounds": page > 1, "offset": 0}
        return [], json.dumps(meta, separators=(",", ":"))
    pages = max(1, math.ceil(total / limit))
    offset = (page - 1) * limit
    meta = {"total_records": total, "total_pages": pages, "first_page": page == 1,
            "last_page": page >= pages, "out_of_bounds": page > pages, "offset": offset}
    return records[offset:offset + limit], json.dumps(meta, separators=(",", ":"))


def index_response(
    request: Request,
    plural: str,
    records: Sequence[R],
    render: Callable[[R], JsonDict],
    settings: QbcSandboxSettings,
    sideload: Callable[[Sequence[R]], JsonDict] | None = None,
) -> Response:
    page, header = paginate(request, records, settings)
    body: JsonDict = {plural: [render(record) for record in page]}
    if sideload is not None:
        body.update(sideload(page))
    return json_response(body, headers={"X-Pagination": header})
