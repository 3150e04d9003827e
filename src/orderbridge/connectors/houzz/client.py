"""A typed client for the Houzz Seller API; one method per API method, no mapping logic.

Reads use `format=json`; writes POST a raw XML document with `format=xml`, as every public client
of the API does (shared/reference/houzz-seller-api.md §1, §5, §6). Every call carries the three
`X-HOUZZ-API-*` headers. `Ack` = `Error` answers become typed errors (orderbridge.errors).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring
from zoneinfo import ZoneInfo

import httpx
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from orderbridge.connectors.exchange import exchange, retry_after_seconds
from orderbridge.connectors.houzz.errors import raise_for_ack
from orderbridge.connectors.http import build_http_client
from orderbridge.connectors.paging import PageGuard
from orderbridge.errors import (
    ConfigurationError,
    OutcomeUnknown,
    RecordRejected,
    RemoteError,
    TransientError,
)

SYSTEM = "Houzz"
DEFAULT_BASE_URL = "https://api.houzz.com"
ORDERS_PAGE_SIZE = 100
LISTINGS_PAGE_SIZE = 100
MAX_READBACK_PAGES = 20
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
                     status: str = "All") -> tuple[int | None, list[Listing]]:
        """One page of listings and the total count (None when Houzz's count is unreadable)."""
        body = self._read("getListings", {"Status": status, "Start": start,
                                          "NumberOfItems": number})
        listings = body.get("Listings") or []
        if not isinstance(listings, list):
            raise RemoteError(SYSTEM, "getListings answered without a Listings list")
        return _whole(body.get("TotalListingCount")), [
            Listing(str(raw["SKU"]).strip(), raw.get("Quantity")) for raw in listings
            if isinstance(raw, dict) and str(raw.get("SKU") or "").strip()]

    def iter_listing_pages(self) -> Iterator[list[Listing]]:
        """Every listing, active or not, a page (one call) at a time, 100 a page; without a
        readable total, until a page comes back short."""
        start = 0
        guard = PageGuard(SYSTEM, "getListings")
        while True:
            total, listings = self.get_listings(start=start)
            guard.check([listing.sku for listing in listings], f"Start={start}")
            yield listings
            start += LISTINGS_PAGE_SIZE
            short = len(listings) < LISTINGS_PAGE_SIZE
            if not listings or (start >= total if total is not None else short):
                return

    def iter_listing_skus(self) -> Iterator[str]:
        """The SKU of every listing, active or not."""
        return (listing.sku for page in self.iter_listing_pages() for listing in page)

    def order_status(self, order_id: str, created: datetime, *,
                     zone: ZoneInfo = HOUZZ_ZONE) -> str | None:
        """Read one order back: its Houzz Status, None when Houzz does not list it. Houzz
        documents no getOrder (reference §3), so this reads getOrders, any status, in a
        window of a few minutes around the order's Created."""
        margin = timedelta(minutes=2)
        guard = PageGuard(SYSTEM, "getOrders", max_pages=MAX_READBACK_PAGES)
        start = 0
        while True:
            page = self.get_orders(status="All", start=start, number=ORDERS_PAGE_SIZE,
                                   created_from=created - margin, created_to=created + margin,
                                   zone=zone)
            guard.check(page, f"Start={start}")
            for order in page:
                if str(order.get("OrderId", "")).strip() == order_id:
                    status = order.get("Status")
                    return str(status) if status is not None else ""
            if len(page) < ORDERS_PAGE_SIZE:
                return None
            start += ORDERS_PAGE_SIZE

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
            raise TransientError(SYSTEM, f"{method} answered with something that is not JSON "
                                 f"(HTTP {response.status_code})",
                                 status=response.status_code) from exc
        if not isinstance(body, dict):
            raise TransientError(SYSTEM, f"{method} answered with an unexpected document")
        try:
            raise_for_ack(method, body.get("Ack"), body.get("Errors"))
        except RecordRejected as exc:  # a read refuses no record to hold: say which read
            raise RemoteError(SYSTEM, f"{method} answered an Error: {exc.message}",
                              status=response.status_code) from None
        return body

    def _write(self, method: str, root: str, fields: dict[str, str]) -> None:
        """Send one write; an answer that does not carry an Ack leaves its outcome unknown
        (``OutcomeUnknown``): Houzz may have done it."""
        document = Element(root)
        for name, value in fields.items():
            SubElement(document, name).text = value
        body = tostring(document, encoding="utf-8", xml_declaration=True)
        response = self._send("POST", method, "xml", content=body,
                              headers={"Content-Type": "text/xml; charset=utf-8"})
        try:
            tree = SafeET.fromstring(response.content)
        except SafeET.ParseError as exc:
            raise OutcomeUnknown(SYSTEM, f"{method} answered with something that is not XML "
                                 f"(HTTP {response.status_code}); whether Houzz did it is "
                                 "unknown", status=response.status_code) from exc
        except DefusedXmlException as exc:
            raise OutcomeUnknown(SYSTEM, f"{method} answered XML that declares entities "
                                 f"({type(exc).__name__}), refused unread as a possible "
                                 "attack; whether Houzz did it is unknown",
                                 status=response.status_code) from exc
        ack = tree.findtext("Ack")
        if ack is None:
            raise OutcomeUnknown(SYSTEM, f"{method} answered without an Ack (HTTP "
                                 f"{response.status_code}); whether Houzz did it is unknown",
                                 status=response.status_code)
        errors = [{child.tag: (child.text or "") for child in error}
                  for error in tree.iter("Error")]
        raise_for_ack(method, ack.strip(), errors)

    def _send(self, verb: str, method: str, fmt: str, **kwargs: Any) -> httpx.Response:
        params = {"format": fmt, "method": method, **kwargs.pop("params", {})}
        response = exchange(self._http, SYSTEM, verb, "/api", timeout_s=self._timeout,
                            what=method, params=params, **kwargs)
        status = response.status_code
        if status in (401, 403):
            raise ConfigurationError(SYSTEM, f"{method} was refused with HTTP {status}: the "
                                     "API token, user name or app name is wrong or lacks "
                                     "permission; reconnect with orderbridge connect houzz "
                                     "--token T --username U --app-name A", status=status)
        if status == 429 or status >= 500:
            raise TransientError(SYSTEM, f"{method} answered HTTP {status}", status=status,
                                 retry_after=retry_after_seconds(
                                     response.headers.get("Retry-After")))
        return response


def _whole(value: Any) -> int | None:
    """A count Houzz sent as a number or digits; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None
