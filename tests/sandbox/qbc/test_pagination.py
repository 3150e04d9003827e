"""Index pagination (reference §3): `limit`/`page`, the `X-Pagination` header, sorting."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.sandbox.qbc.helpers import Qbc


def pagination(response: httpx.Response) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads(response.headers["X-Pagination"])
    return meta


def test_default_page_is_50_newest_first(qbc: Qbc) -> None:
    qbc.seed(skus=60)
    response = qbc.get("/variants")
    variants = response.json()["variants"]
    assert len(variants) == 50
    ids = [v["id"] for v in variants]
    assert ids == sorted(ids, reverse=True)
    assert pagination(response) == {"total_records": 60, "total_pages": 2, "first_page": True,
                                    "last_page": False, "out_of_bounds": False, "offset": 0}


def test_pages_cover_everything_once(qbc: Qbc) -> None:
    qbc.seed(skus=60)
    seen: list[int] = []
    page = 1
    while True:
        response = qbc.get("/variants", limit=25, page=page)
        seen += [v["id"] for v in response.json()["variants"]]
        if pagination(response)["last_page"]:
            break
        page += 1
    assert page == 3 and len(seen) == 60 == len(set(seen))
    assert pagination(response)["offset"] == 50


def test_limit_250_is_allowed_and_251_is_400(qbc: Qbc) -> None:
    qbc.seed(skus=3)
    assert qbc.get("/variants", limit=250).status_code == 200
    response = qbc.get("/variants", limit=251)
    assert response.status_code == 400
    assert response.json()["type"] == "Bad Request"


def test_limit_zero_gives_only_the_count(qbc: Qbc) -> None:
    qbc.seed(skus=7)
    response = qbc.get("/variants", limit=0)
    assert response.json() == {"variants": []}
    meta = pagination(response)
    assert meta["total_records"] == 7 and meta["total_pages"] == 1 and meta["last_page"]


def test_page_past_the_end_is_out_of_bounds(qbc: Qbc) -> None:
    qbc.seed(skus=3)
    response = qbc.get("/variants", page=2)
    assert response.json()["variants"] == []
    assert pagination(response)["out_of_bounds"] is True


def test_order_parameter_sorts_ascending(qbc: Qbc) -> None:
    qbc.seed(skus=4)
    ids = [v["id"] for v in qbc.get("/variants", order="id asc").json()["variants"]]
    assert ids == sorted(ids)
    assert qbc.get("/variants", order="sku sideways").status_code == 400


def test_line_items_sort_by_position(qbc: Qbc) -> None:
    qbc.seed(skus=3)
    first, second, third = (v["id"] for v in qbc.variants())
    body = qbc.order_body([])
    body["order"]["order_line_items"] = [
        {"variant_id": first, "quantity": 1, "position": 3},
        {"variant_id": second, "quantity": 1, "position": 1},
        {"variant_id": third, "quantity": 1, "position": 2}]
    order = qbc.post("/orders", body).json()["order"]
    lines = qbc.get("/order_line_items", order_id=order["id"]).json()["order_line_items"]
    assert [line["variant_id"] for line in lines] == [second, third, first]
