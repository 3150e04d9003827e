"""QuickBooks Commerce answers as a fuzzer makes them: collection pages of orders, variants
and fulfillments (with sideloaded lines), single records, error bodies. Records a real account
could send carry ``"fuzz_sound": true``: those must be read, whatever else the page holds."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.mangling import mangled

SOUND = "fuzz_sound"
text = st.text(max_size=20) | st.sampled_from(["", " ", "null", "1e400", "NaN", "-3", "∞"])
anything = st.none() | text | st.integers(-5, 2**70) | st.floats() | st.booleans() | st.lists(
    st.integers(), max_size=2) | st.dictionaries(st.sampled_from(["id", "x"]), st.integers(),
                                                 max_size=2)
stock = st.decimals(0, 10_000, places=2).map(str) | st.integers(0, 500)
odd_quantity = st.sampled_from(["NaN", "Infinity", "-1", "1e400", "sNaN", "", "2", None])
moment = st.sampled_from(["2025-03-01T10:00:00Z", "2025-03-01T10:00:00.123+02:00",
                          "2025-03-01 10:00:00"])


def _odd(fields: list[str]) -> st.SearchStrategy[Any]:
    """A record with any of these fields holding anything, or no record at all."""
    return st.dictionaries(st.sampled_from(fields), anything, max_size=len(fields)) | anything


def _order(record_id: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "id": st.just(record_id) | st.just(str(record_id)), SOUND: st.just(True),
        "order_number": st.just(f"SO{record_id}"), "reference_number": st.just(f"R{record_id}"),
        "status": st.sampled_from(["draft", "active", "finalized", "fulfilled", "void"]),
        "fulfillment_status": st.sampled_from(["unshipped", "partial", "shipped", None]),
        "created_at": moment})


def _variant(record_id: int) -> st.SearchStrategy[dict[str, Any]]:
    levels = st.fixed_dictionaries({"location_id": st.integers(1, 9), "stock_on_hand": stock,
                                    "committed": stock})
    return st.fixed_dictionaries({
        "id": st.just(record_id), SOUND: st.just(True), "sku": st.just(f"SKU-{record_id}"),
        "status": st.sampled_from(["active", "archived"]), "updated_at": moment,
        "manage_stock": st.booleans()}, optional={
        "locations": st.lists(levels, min_size=1, max_size=2), "stock_on_hand": stock,
        "committed_stock": stock, "max_online": stock | st.none()})


def _fulfillment(record_id: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "id": st.just(record_id), SOUND: st.just(True), "order_id": st.integers(1, 10**6),
        "status": st.just("fulfilled"), "tracking_number": st.sampled_from(["1Z9", None]),
        "tracking_company": st.sampled_from(["UPS", "FedEx", None]), "shipped_at": moment,
        "updated_at": moment, "fulfillment_line_item_ids": st.lists(st.integers(1, 99),
                                                                    max_size=2)})


def _line(fulfillment_id: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"fulfillment_id": st.just(fulfillment_id),
                                  "variant_id": st.integers(1, 10**6), "quantity": stock})


def _odd_line(fulfillment_id: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"fulfillment_id": st.just(fulfillment_id),
                                  "variant_id": anything, "quantity": odd_quantity})


ODD_FIELDS = {
    "orders": ["id", "status", "reference_number", "created_at", "fulfillment_status"],
    "variants": ["id", "sku", "locations", "stock_levels", "committed_stock_levels",
                 "stock_on_hand", "max_online", "manage_stock", "status"],
    "fulfillments": ["id", "order_id", "status", "fulfillment_line_items",
                     "fulfillment_line_item_ids", "shipped_at", "tracking_number"],
    "fulfillment_line_items": ["fulfillment_id", "variant_id", "quantity", "variant_sku"],
}
SOUND_RECORD = {"orders": _order, "variants": _variant, "fulfillments": _fulfillment}


@st.composite
def collection_page(draw: st.DrawFn, root: str) -> dict[str, Any]:
    """A page of ``root``: sound records with distinct ids, odd ones between them."""
    first = draw(st.integers(1, 10**9))
    sound = [draw(SOUND_RECORD[root](first + index)) if root in SOUND_RECORD
             else draw(_line(first + index)) for index in range(draw(st.integers(0, 4)))]
    odd = draw(st.lists(_odd(ODD_FIELDS[root]), max_size=3))
    if root == "fulfillment_line_items":
        odd += [draw(_odd_line(first + index)) for index in range(draw(st.integers(0, 2)))]
    records = draw(st.permutations([*sound, *odd]))
    page: dict[str, Any] = {root: records}
    if root == "fulfillments":
        ids = [record.get("id") for record in records if isinstance(record, dict)]
        lines = [draw(_line(record_id) | _odd_line(record_id)) for record_id in ids[:4]]
        page["fulfillment_line_items"] = draw(st.sampled_from([lines, [], None]) | anything)
    if draw(st.integers(0, 9)) == 0:
        page[root] = draw(anything)
    return page


def _single(root: str, fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({root: _odd(fields) | st.fixed_dictionaries({
        "id": st.integers(1, 10**6), "name": text, "location_ids": st.lists(anything,
                                                                             max_size=2),
        "primary_location_id": anything})})


ERROR_BODY = st.fixed_dictionaries({"errors": st.dictionaries(
    st.sampled_from(["base", "reference_number", "x"]), st.lists(text, max_size=2) | text,
    max_size=2) | st.lists(text, max_size=2) | anything}) | st.fixed_dictionaries(
    {"type": text, "message": text})


def documents(root: str) -> st.SearchStrategy[dict[str, Any]]:
    if root in ODD_FIELDS:
        return collection_page(root) | ERROR_BODY
    return _single(root, ["id", "name", "status", "label", "location_ids"]) | ERROR_BODY


def bodies(root: str) -> Any:
    return mangled(documents(root).map(lambda document: json.dumps(document).encode()))


PAGING_HEADERS = st.fixed_dictionaries({}, optional={
    "X-Pagination": st.sampled_from(['{"last_page": true}', '{"last_page": false}', "junk",
                                     "[]", '{"last_page": "yes"}']),
    "X-Rate-Limit-Limit": st.sampled_from(["300", "0", "-1", "many", "1e400"]),
    "X-Rate-Limit-Remaining": st.sampled_from(["299", "0", "-5", "NaN", "", "1e400"]),
    "X-Rate-Limit-Reset": st.sampled_from(["0", "99999999999999999999", "soon", "-1", "inf"]),
    "Retry-After": st.sampled_from(["0", "0.01", "nan", "-3", "Wed, 21 Oct 2015 07:28:00 GMT",
                                    "garbage", "inf"]),
})
