"""A small client for the Houzz simulator in tests: the API with the default credential, XML
bodies, and the control API. Responses are parsed with defusedxml, as the hub must."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

import httpx
from defusedxml.ElementTree import fromstring

with warnings.catch_warnings():
    # starlette 1.x asks for httpx2 at import; the suite turns warnings into errors.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

AUTH = {
    "X-HOUZZ-API-SSL-TOKEN": "sandbox-token",
    "X-HOUZZ-API-USER-NAME": "sandbox-seller",
    "X-HOUZZ-API-APP-NAME": "orderbridge-sandbox",
}


__all__ = ["AUTH", "Houzz", "TestClient", "parse_xml", "xml_body", "xml_errors"]


def xml_body(root: str, **children: Any) -> str:
    inner = "".join(f"<{name}>{escape(str(value))}</{name}>" for name, value in children.items())
    return f"<{root}>{inner}</{root}>"


def parse_xml(response: httpx.Response) -> Element:
    return fromstring(response.content)


def xml_errors(root: Element) -> list[tuple[str, str]]:
    return [(e.findtext("Code", ""), e.findtext("Message", "")) for e in root.iter("Error")]


@dataclass
class Houzz:
    """The simulator as a test sees it."""

    http: httpx.Client

    def api(self, method: str | None, fmt: str | None = "json",
            headers: dict[str, str] | None = None, body: str | bytes | None = None,
            **params: Any) -> httpx.Response:
        query: dict[str, Any] = dict(params)
        if fmt is not None:
            query["format"] = fmt
        if method is not None:
            query["method"] = method
        if body is None:
            return self.http.get("/api", params=query, headers=headers or AUTH)
        return self.http.post("/api", params=query, headers=headers or AUTH, content=body)

    def json(self, method: str, **params: Any) -> dict[str, Any]:
        response = self.api(method, **params)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def ok(self, method: str, **params: Any) -> dict[str, Any]:
        data = self.json(method, **params)
        assert data["Ack"] == "Success", data
        return data

    def error(self, method: str | None, **params: Any) -> tuple[str, str]:
        response = self.api(method, **params)
        data = response.json()
        assert data["Ack"] == "Error", data
        assert len(data["Errors"]) == 1
        return data["Errors"][0]["Code"], data["Errors"][0]["Message"]

    def update_order(self, order_id: str, action: str, **children: Any) -> Element:
        body = xml_body("UpdateOrderRequest", OrderId=order_id, Action=action, **children)
        response = self.api("updateOrder", fmt="xml", body=body,
                            headers={**AUTH, "Content-Type": "text/xml"})
        assert response.status_code == 200, response.text
        root = parse_xml(response)
        assert root.tag == "UpdateOrderResponse"
        return root

    def update_inventory(self, **children: Any) -> Element:
        body = xml_body("UpdateInventoryRequest", **children)
        response = self.api("updateInventory", fmt="xml", body=body)
        assert response.status_code == 200, response.text
        return parse_xml(response)

    def orders(self, **params: Any) -> list[dict[str, Any]]:
        data = self.ok("getOrders", **params)
        orders: list[dict[str, Any]] = data["Orders"]
        return orders

    def control(self, verb: str, path: str, body: Any = None, expect: int = 200) -> Any:
        response = self.http.request(verb, f"/_sandbox{path}", json=body)
        assert response.status_code == expect, response.text
        return response.json()

    def seed(self, skus: int = 10, seed: int = 1) -> None:
        assert self.control("POST", "/seed", {"skus": skus, "seed": seed}) == {"listings": skus}

    def place(self, **body: Any) -> list[str]:
        ids: list[str] = self.control("POST", "/orders", body)["order_ids"]
        return ids

    def settings(self, **changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = self.control("POST", "/settings", changes)
        return data

    def calls(self) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self.control("GET", "/calls")["calls"]
        return calls
