"""A typed client for the Houzz Seller API; one method per API method, no mapping logic.

Reads use `format=json`; writes POST a raw XML document with `format=xml`, as every public client
of the API does (shared/reference/houzz-seller-api.md §1, §5, §6). Every call carries the three
`X-HOUZZ-API-*` headers. `Ack` = `Error` answers become typed errors (orderbridge.errors).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring
from zoneinfo import ZoneInfo

import httpx
from defusedxml import ElementTree as SafeET

from orderbridge.connectors.deadline import within
from orderbridge.connectors.houzz.errors import raise_for_ack
from orderbridge.connectors.http import build_http_client, transport_failure
from orderbridge.errors import RemoteError, TransientError

SYSTEM = "Houzz"
DEFAULT_BASE_URL = "https://api.houzz.com"
ORDERS_PAGE_SIZE = 100
LISTINGS_PAGE_SIZE = 100
HOUZZ_ZONE = ZoneInfo("America/Los_Angeles")
"""The zone Houzz times are read in unless the integration says otherwise."""
HOUZZ_TIME = "%Y-%m-%d %H:%M:%S"


def houzz_time(moment: datetime, zone: ZoneInfo) -> str:
    """An aware moment as Houzz writes times: zone-less, in ``zone``."""
    return moment.astimezone(zone).strftime(HOUZZ_TIME)


@dataclass(frozen=True)
class Listing:
    """One product listing on Houzz."""

    sku: str
    quantity: Any


@dataclass(frozen=True)
class HouzzCredentials:
    """What the seller portal's API page issues (Settings → API)."""

    token: str
    username: str
    app_name: str

    def headers(self) -> dict[str, str]:
        return {
            "X-HOUZZ-API-SSL-TOKEN": self.token.strip(),
            "X-HOUZZ-API-USER-NAME": self.username.strip(),
            "X-HOUZZ-API-APP-NAME": self.app_name.strip(),
        }

    def __repr__(self) -> str:  # never show the token
        return f"HouzzCredentials(username={self.username!r}, app_name={self.app_name!r})"


class HouzzClient:
    """Talks to one Houzz seller account."""

    def __init__(self, credentials: HouzzCredentials, base_url: str = DEFAULT_BASE_URL,
                 *, transport: httpx.BaseTransport | None = None,
                 timeout: float = 30.0, max_connections: int = 20) -> None:
        self._http = build_http_client(base_url.rstrip("/"), headers=credentials.headers(),
                                       timeout_s=timeout, transport=transport,
                                       max_connections=max_connections)
        self._timeout = timeout

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HouzzClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads ---------------------------------------------------------------------------

    def get_orders(self, *, status: str | None = "Charged", start: int = 0,
                   number: int = ORDERS_PAGE_SIZE, created_from: datetime | None = None,
                   created_to: datetime | None = None,
                   zone: ZoneInfo = HOUZZ_ZONE) -> list[dict[str, Any]]:
        """One page of orders created in ``created_from``..``created_to`` (aware datetimes;
        Houzz reads them as zone-less times in ``zone``, reference §8). A page that leaves
        out an empty ``Orders`` list is an empty page."""
        params: dict[str, str | int] = {"Start": start, "NumberOfItems": number}
        if status:
            params["Status"] = status
        if created_from is not None:
            params["From"] = houzz_time(created_from, zone)
        if created_to is not None:
            params["To"] = houzz_time(created_to, zone)
        body = self._read("getOrders", params)
        orders = body.get("Orders", [])
        if not isinstance(orders, list):
            raise RemoteError(SYSTEM, "getOrders answered without an Orders list")
        return [order for order in orders if isinstance(order, dict)] + [
            {"_unparsed": order} for order in orders if not isinstance(order, dict)
        ]

    def get_listings(self, *, start: int = 0, number: int = LISTINGS_PAGE_SIZE,
                     status: str = "All") -> tuple[int, list[Listing]]:
        """One page of listings and the total count."""
        body = self._read("getListings", {"Status": status, "Start": start,
                                          "NumberOfItems": number})
        total = int(float(body.get("TotalListingCount") or 0))
        listings = body.get("Listings") or []
        return total, [Listing(str(raw["SKU"]).strip(), raw.get("Quantity"))
                       for raw in listings
                       if isinstance(raw, dict) and str(raw.get("SKU") or "").strip()]

    def iter_listing_skus(self) -> Iterator[str]:
        """The SKU of every listing, active or not, 100 a page."""
        start = 0
        while True:
            total, listings = self.get_listings(start=start)
            yield from (listing.sku for listing in listings)
            start += LISTINGS_PAGE_SIZE
            if not listings or start >= total:
                return

    # -- writes --------------------------------------------------------------------------

    def ship_order(self, order_id: str, shipping_method: str,
                   tracking_numbers: list[str]) -> None:
        """Mark an order shipped; several packages' numbers go comma-joined."""
        self._write("updateOrder", "UpdateOrderRequest", {
            "OrderId": order_id, "Action": "Ship", "ShippingMethod": shipping_method,
            "TrackingNumber": ",".join(tracking_numbers),
        })

    def cancel_order(self, order_id: str, cancel_code: str, comments: str) -> None:
        self._write("updateOrder", "UpdateOrderRequest", {
            "OrderId": order_id, "Action": "Cancel", "CancelCode": cancel_code,
            "Comments": comments,
        })

    def update_inventory(self, sku: str, quantity: int, *, status: str | None = None) -> None:
        """Set one SKU's quantity (the API takes one SKU per call)."""
        fields = {"SKU": sku, "Action": "update", "Quantity": str(quantity)}
        if status:
            fields["Status"] = status
        self._write("updateInventory", "UpdateInventoryRequest", fields)

    # -- transport -----------------------------------------------------------------------

    def _read(self, method: str, params: dict[str, str | int]) -> dict[str, Any]:
        response = self._send("GET", method, "json", params=params)
        try:
            body = json.loads(response.content)
        except ValueError as exc:
            raise TransientError(SYSTEM, f"{method} answered with something that is not JSON",
                                 status=response.status_code) from exc
        if not isinstance(body, dict):
            raise RemoteError(SYSTEM, f"{method} answered with an unexpected document")
        raise_for_ack(method, body.get("Ack"), body.get("Errors"))
        return body

    def _write(self, method: str, root: str, fields: dict[str, str]) -> None:
        document = Element(root)
        for name, value in fields.items():
            SubElement(document, name).text = value
        body = tostring(document, encoding="utf-8", xml_declaration=True)
        response = self._send("POST", method, "xml", content=body,
                              headers={"Content-Type": "text/xml; charset=utf-8"})
        try:
            tree = SafeET.fromstring(response.content)
        except SafeET.ParseError as exc:
            raise TransientError(SYSTEM, f"{method} answered with something that is not XML",
                                 status=response.status_code) from exc
        errors = [{child.tag: (child.text or "") for child in error}
                  for error in tree.iter("Error")]
        raise_for_ack(method, tree.findtext("Ack"), errors)

    def _send(self, verb: str, method: str, fmt: str, **kwargs: Any) -> httpx.Response:
        params = {"format": fmt, "method": method, **kwargs.pop("params", {})}
        try:
            with within(self._timeout):
                response = self._http.request(verb, "/api", params=params, **kwargs)
        except httpx.TransportError as exc:
            raise transport_failure(SYSTEM, exc) from exc
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = response.headers.get("Retry-After")
            raise TransientError(SYSTEM, f"{method} answered HTTP {response.status_code}",
                                 status=response.status_code,
                                 retry_after=float(retry_after) if retry_after else None)
        return response
