"""XML in and out.

Write calls POST a small flat XML document (`<UpdateOrderRequest>`, `<UpdateInventoryRequest>`)
whatever Content-Type the client sets (`text/xml`, none, or PHP curl's form default), so the raw
body is parsed with defusedxml, which refuses entity tricks. Responses are built with ElementTree
from plain Python data: a dict is an element with children, a list is repeated children named by
`singular()`, anything else is text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from orderbridge.sandbox.houzz.errors import HouzzApiError

_PLURALS = {"Orders": "Order", "OrderItems": "OrderItem", "Listings": "Listing",
            "Errors": "Error", "Packages": "Package", "Images": "ImageLink"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse_request(body: bytes, root: str) -> dict[str, str]:
    """The children of a flat request document, by tag, with text trimmed (CDATA included)."""
    if not body.strip():
        raise HouzzApiError(
            "MalformedXml", f"This method needs a POST body: an XML document <{root}>...</{root}>."
        )
    try:
        element = fromstring(body)
    except DefusedXmlException as exc:
        raise HouzzApiError(
            "MalformedXml", "The request body uses a DTD or entities, which are refused; "
            f"send a plain <{root}> document."
        ) from exc
    except (ET.ParseError, ValueError) as exc:
        raise HouzzApiError(
            "MalformedXml", f"The request body is not well-formed XML ({exc}); send <{root}>."
        ) from exc
    if _local(element.tag) != root:
        raise HouzzApiError(
            "MalformedXml",
            f"The request body's root element is <{_local(element.tag)}>; expected <{root}>.",
        )
    fields: dict[str, str] = {}
    for child in element:
        fields.setdefault(_local(child.tag), (child.text or "").strip())
    return fields


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def singular(name: str) -> str:
    if name in _PLURALS:
        return _PLURALS[name]
    return name[:-1] if name.endswith("s") and len(name) > 1 else "Item"


def render_document(root: str, payload: dict[str, Any]) -> bytes:
    element = ET.Element(root)
    _fill(element, payload)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child_value in value.items():
            _append(element, str(key), child_value)
    elif isinstance(value, list):
        for item in value:
            _append(element, "Item", item)
    else:
        element.text = _text(value)


def _append(parent: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        wrapper = _child(parent, name)
        for item in value:
            _fill(_child(wrapper, singular(name)), item)
        return
    _fill(_child(parent, name), value)


def _child(parent: ET.Element, name: str) -> ET.Element:
    if _NAME.match(name) and not name.lower().startswith("xml"):
        return ET.SubElement(parent, name)
    return ET.SubElement(parent, "Field", {"name": _NOT_XML_CHAR.sub("\ufffd", name)})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return money(value)
    return _NOT_XML_CHAR.sub("\ufffd", str(value))


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))
