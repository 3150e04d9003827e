"""Houzz answers as a fuzzer makes them: `getOrders` pages of sound and odd orders (JSON), and
the XML documents Houzz answers a write with (`updateOrder`, `updateInventory`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from hypothesis import strategies as st

from tests.fuzz.mangling import Body, mangled, mostly

text = st.text(max_size=30) | st.sampled_from(["", " ", "Zoë 😀 Ñandú", "null", "-1", "1e9",
                                               "\x00", "\ud800", "x" * 300])
number = (st.integers(-5, 10**20) | st.floats(allow_nan=False, allow_infinity=False)
          | st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str))
anything = st.none() | text | number | st.booleans() | st.lists(st.integers(), max_size=2) | (
    st.dictionaries(st.sampled_from(["a", "Error"]), st.integers(), max_size=2))
created = st.datetimes(datetime(2021, 1, 1), datetime(2025, 12, 31)).map(
    lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S"))
order_id = st.from_regex(r"\A[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{4}\Z")
STATUSES = ["Charged", "New", "Placed", "InProduction", "Shipped", "Cancelled", "Canceled"]


@st.composite
def sound_order(draw: st.DrawFn) -> dict[str, Any]:
    """An order a buyer could place: it is stored and not held."""
    return {
        "OrderId": draw(order_id), "Status": draw(st.sampled_from(STATUSES[:4])),
        "Created": draw(created), "CustomerName": "Ada Lovelace",
        "Address": {"Address": "1 Main St", "City": "Austin", "State": "TX", "Zip": "78701",
                    "Country": "US"},
        "OrderItems": [{"Type": "Product", "SKU": draw(st.sampled_from(["SKU-A", "SKU-B"])),
                        "Quantity": draw(st.integers(1, 5)), "Price": "10.00"}],
    }


odd_item = st.fixed_dictionaries({}, optional={
    "Type": st.sampled_from(["Product", "Fee", "Coupon"]) | anything,
    "SKU": st.just("SKU-A") | anything, "Quantity": number | anything,
    "Price": number | anything, "Shipping": number, "Tax": number})
odd_order = st.fixed_dictionaries({}, optional={
    "OrderId": order_id | anything, "Status": st.sampled_from(STATUSES) | anything,
    "Created": created | anything, "CustomerName": st.just("Ada Lovelace") | anything,
    "Address": st.fixed_dictionaries({}, optional={
        "Address": st.just("1 Main St") | anything, "City": anything,
        "State": st.just("TX") | anything, "Zip": anything, "Country": anything}) | anything,
    "OrderItems": st.lists(odd_item | anything, max_size=3) | anything,
    "OrderTotal": number | anything, "FlatShipping": number | anything})
entry = sound_order() | sound_order() | odd_order | anything


def _ack_error(errors: Any) -> dict[str, Any]:
    return {"Ack": "Error", "Errors": errors}


page_document = mostly(st.one_of(
    st.builds(lambda orders: {"Ack": "Success", "Orders": orders},
              st.lists(entry, max_size=6)),
    st.builds(lambda orders: {"Ack": "Success", "Orders": orders, "TotalOrderCount": 1},
              st.lists(sound_order(), min_size=1, max_size=4)),
), st.one_of(
    st.just({"Ack": "Success"}),
    st.builds(lambda value: {"Ack": "Success", "Orders": value}, anything),
    st.builds(_ack_error, st.lists(st.fixed_dictionaries({}, optional={
        "Code": anything, "Message": text}), max_size=2) | anything),
    st.builds(lambda ack: {"Ack": ack, "Orders": []}, anything),
    st.lists(st.integers(), max_size=2),
), in_ten=7)
orders_page = mangled(page_document.map(lambda doc: json.dumps(doc).encode()))


@st.composite
def _write_answer(draw: st.DrawFn) -> bytes:
    """What Houzz answers a write with: an Ack of Success or Error, or a document without."""
    kind = draw(st.sampled_from(["success", "error", "no-ack", "entities"]))
    if kind == "success":
        return b"<?xml version='1.0'?><UpdateOrderResponse><Ack>Success</Ack>" \
               b"</UpdateOrderResponse>"
    if kind == "error":
        errors = draw(st.lists(st.tuples(text, text), max_size=3))
        parts = "".join(f"<Error><Code>{escape(_xml_safe(code))}</Code><Message>"
                        f"{escape(_xml_safe(message))}</Message></Error>"
                        for code, message in errors)
        return (f"<?xml version='1.0'?><Response><Ack>{escape(_xml_safe(draw(text)))}</Ack>"
                f"<Errors>{parts}</Errors></Response>").encode()
    if kind == "entities":
        return (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;">]><r><Ack>&b;</Ack></r>')
    return f"<Response><Status>{escape(_xml_safe(draw(text)))}</Status></Response>".encode()


def _xml_safe(value: str) -> str:
    """Characters XML 1.0 can hold (the rest are a different kind of garbage, made by
    ``mangled``)."""
    return "".join(char for char in value if char in "\t\n\r" or (
        " " <= char <= "\ud7ff" or "\ue000" <= char <= "\ufffd"))


write_answer = mangled(_write_answer())


def says_success(body: Body) -> bool:
    """Whether the document could be an Ack of Success (a write taken as done without one is a
    confirmation lost)."""
    return b"Success" in body.data
