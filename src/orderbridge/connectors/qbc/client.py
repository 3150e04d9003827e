"""A typed client for the QuickBooks Commerce REST API: one verb per thing the hub does.

Workflows call these verbs and get typed records back (``records``, ``variants``,
``fulfillments``); QBC's paths, query parameters and envelopes stay in this package. Every
collection is read at its largest page size, 250 (reference §3), and every call goes through
``QbcTransport``: counted, paced by the rate-limit headers, bounded by a deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from datetime import datetime
from typing import Any, TypeVar

import httpx

from orderbridge.connectors.paging import PageGuard
from orderbridge.connectors.qbc.errors import SYSTEM
from orderbridge.connectors.qbc.fulfillments import (
    Package,
    PackageLine,
    lines_from_page,
    packages_from_page,
)
from orderbridge.connectors.qbc.order_lines import OrderLine, order_lines_from_page
from orderbridge.connectors.qbc.pacing import RatePacer
from orderbridge.connectors.qbc.records import (
    Account,
    Location,
    Page,
    QbcOrder,
    account_from,
    iso,
    location_from,
    order_from,
)
from orderbridge.connectors.qbc.transport import PAGE_SIZE, QbcTransport
from orderbridge.connectors.qbc.variants import Variant, variant_from
from orderbridge.connectors.qbc.webhooks import RemoteWebhook, webhook_from
from orderbridge.errors import NotFound, RemoteError, TransientError

DEFAULT_BASE_URL = "https://api.tradegecko.com"
VARIANT_STATUSES = ("active", "archived")
T = TypeVar("T")


class QbcClient:
    """Talks to one QBC account. ``token``: a privileged token, or an ``httpx.Auth`` giving
    OAuth tokens (``qbc.oauth.RefreshingBearer``). Keyword arguments go to ``QbcTransport``."""

    def __init__(self, token: str | httpx.Auth, base_url: str = DEFAULT_BASE_URL,
                 **transport: Any) -> None:
        self.transport = QbcTransport(token, base_url, **transport)

    @property
    def pacer(self) -> RatePacer:
        return self.transport.pacer

    @property
    def calls(self) -> int:
        """Requests sent so far (retries included)."""
        return self.transport.calls

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> QbcClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- orders --------------------------------------------------------------------------

    def create_order(self, payload: dict[str, Any], *, idempotency_key: str) -> QbcOrder:
        """`POST /orders`; an answer without the new order's id is transient (the order may
        exist: the caller looks it up before sending again)."""
        return self._answered_order(
            self.transport.post("/orders", payload, idempotency_key=idempotency_key),
            "POST /orders")

    def get_order(self, order_id: str) -> QbcOrder:
        return self._answered_order(self.transport.get(f"/orders/{order_id}"),
                                    f"GET /orders/{order_id}")

    def void_order(self, order_id: str, *, idempotency_key: str) -> QbcOrder | None:
        """Void the order; the order as QBC answers it (None if the answer left it out)."""
        body = self.transport.post(f"/orders/{order_id}/actions/void", None,
                                   idempotency_key=idempotency_key)
        return order_from(_root(body, "order"))

    def find_orders(self, references: Collection[str]) -> list[QbcOrder]:
        """The orders (not deleted) whose `reference_number` is one of ``references``, in one
        read: QBC's string filters take several values (reference §4)."""
        if not references:
            return []
        params = {"reference_number[]": sorted(set(references))}
        pages = self._pages("/orders", "orders", params, _each("orders", order_from))
        return [order for page in pages for order in page.records if not order.is_deleted]

    def orders_by_id(self, order_ids: Collection[str]) -> list[QbcOrder]:
        """These orders (those QBC still has), 250 a call."""
        return [order for page in self._by_ids("/orders", "orders", order_ids, {},
                                               _each("orders", order_from))
                for order in page.records]

    def iter_orders(self, *, created_since: datetime) -> Iterator[Page[QbcOrder]]:
        """Every order created since then, whatever its status (the audit's read)."""
        params = {"created_at_min": iso(created_since), "order": "created_at asc"}
        return self._pages("/orders", "orders", params, _each("orders", order_from))

    def order_lines(self, order_ids: Collection[str]) -> Iterator[Page[OrderLine]]:
        """The line items of these orders, 250 orders a read (reference §7.3)."""
        wanted = sorted(set(order_ids), key=lambda value: (len(value), value))
        for start in range(0, len(wanted), PAGE_SIZE):
            yield from self._pages("/order_line_items", "order_line_items",
                                   {"order_id[]": wanted[start:start + PAGE_SIZE]},
                                   order_lines_from_page)

    def iter_voided_orders(self, updated_since: datetime) -> Iterator[Page[QbcOrder]]:
        """Orders voided (or otherwise updated while void) since then, a page at a time."""
        params = {"status": "void", "updated_at_min": iso(updated_since)}
        return self._pages("/orders", "orders", params, _each("orders", order_from))

    # -- catalog and stock ---------------------------------------------------------------

    def iter_variants(self, *, updated_since: datetime | None = None,
                      statuses: Collection[str] | None = None) -> Iterator[Page[Variant]]:
        """Variants (all of them, or those updated since then), a page at a time."""
        params: dict[str, Any] = {}
        if updated_since is not None:
            params["updated_at_min"] = iso(updated_since)
        if statuses:
            params["status[]"] = list(statuses)
        return self._pages("/variants", "variants", params, _each("variants", variant_from))

    def variants_by_id(self, variant_ids: Collection[str]) -> Iterator[Page[Variant]]:
        """These variants, active or archived, 250 a call (a webhook named them)."""
        return self._by_ids("/variants", "variants", variant_ids,
                            {"status[]": list(VARIANT_STATUSES)}, _each("variants", variant_from))

    def fulfillments_by_id(self, fulfillment_ids: Collection[str]) -> Iterator[Page[Package]]:
        """These fulfillments, whatever their status, with their lines, 250 a call."""
        return self._by_ids("/fulfillments", "fulfillments", fulfillment_ids,
                            {"include": "fulfillment_line_items"}, packages_from_page)

    def iter_fulfillments(self, *, updated_since: datetime) -> Iterator[Page[Package]]:
        """Fulfilled fulfillments updated since then, their lines sideloaded, newest first:
        a fulfillment updated while the pages are read moves to the front, so later pages
        shift back and nothing is skipped (at worst read twice)."""
        params = {"updated_at_min": iso(updated_since), "status": "fulfilled",
                  "order": "updated_at desc", "include": "fulfillment_line_items"}
        return self._pages("/fulfillments", "fulfillments", params, packages_from_page)

    def fulfillment_lines(self, fulfillment_ids: Collection[str],
                          ) -> dict[str, tuple[PackageLine, ...]]:
        """The lines of these fulfillments, for an index that gave only their ids."""
        if not fulfillment_ids:
            return {}
        found: dict[str, list[PackageLine]] = {}
        params = {"fulfillment_id[]": sorted(set(fulfillment_ids))}
        for page in self._pages("/fulfillment_line_items", "fulfillment_line_items", params,
                                lines_from_page):
            for fulfillment_id, line in page.records:
                found.setdefault(fulfillment_id, []).append(line)
        return {key: tuple(lines) for key, lines in found.items()}

    # -- webhooks ------------------------------------------------------------------------

    def webhooks(self) -> list[RemoteWebhook]:
        """Every webhook of the account (all apps')."""
        return [hook for page in self._pages("/webhooks", "webhooks", {},
                                             _each("webhooks", webhook_from))
                for hook in page.records]

    def create_webhook(self, address: str, event: str) -> RemoteWebhook:
        """`POST /webhooks` (its retries carry one Idempotency-Key: one webhook made)."""
        body = self.transport.post("/webhooks", {"webhook": {"address": address, "event": event}})
        hook = webhook_from(_root(body, "webhook"))
        if hook is None:
            raise TransientError(SYSTEM, "POST /webhooks answered without the webhook's id")
        return hook

    def delete_webhook(self, webhook_id: int) -> bool:
        """Delete it; False if QBC had no such webhook any more."""
        try:
            self.transport.request("DELETE", f"/webhooks/{webhook_id}")
        except NotFound:
            return False
        return True

    # -- account -------------------------------------------------------------------------

    def current_account(self) -> Account:
        """`GET /accounts/current`: the documented test of a token."""
        account = account_from(_root(self.transport.get("/accounts/current"), "account"))
        if account is None:
            raise RemoteError(SYSTEM, "GET /accounts/current answered without an account")
        return account

    def locations(self) -> list[Location]:
        """The account's active stock locations."""
        return [location for page in self._pages("/locations", "locations", {},
                                                      _each("locations", location_from))
                for location in page.records]

    # -- paging --------------------------------------------------------------------------

    def _pages(self, path: str, root: str, params: dict[str, Any],
               read: Callable[[Any], list[T]]) -> Iterator[Page[T]]:
        """Every page of a collection, 250 records at a time; ``read`` makes a page's body
        into records (skipping what it cannot read)."""
        number = 1
        guard = PageGuard(SYSTEM, f"GET {path}")
        while True:
            body, pagination = self.transport.get_page(
                path, {**params, "limit": PAGE_SIZE, "page": number})
            raw = _root(body, root)
            guard.check(raw, f"page {number}")
            size = len(raw) if isinstance(raw, list) else 0
            records = read(body)
            last = pagination.get("last_page") is True or size < PAGE_SIZE
            yield Page(records, number, last, max(size - len(records), 0))
            if last:
                return
            number += 1

    def _by_ids(self, path: str, root: str, ids: Collection[str], params: dict[str, Any],
                read: Callable[[Any], list[T]]) -> Iterator[Page[T]]:
        """The records with these ids, one call per 250 ids (QBC's `ids` filter, reference
        §4): far fewer calls than one GET of each record's `resource_url`."""
        wanted = sorted(set(ids), key=lambda value: (len(value), value))
        for start in range(0, len(wanted), PAGE_SIZE):
            yield from self._pages(path, root, {**params, "ids[]": wanted[start:start + PAGE_SIZE]},
                                   read)

    @staticmethod
    def _answered_order(body: Any, what: str) -> QbcOrder:
        order = order_from(_root(body, "order"))
        if order is None:
            raise TransientError(SYSTEM, f"{what} answered without the order's id")
        return order


def _root(body: Any, root: str) -> Any:
    return body.get(root) if isinstance(body, dict) else None


def _each(root: str, read: Callable[[Any], T | None]) -> Callable[[Any], list[T]]:
    """Read a page record by record (records that cannot be read are left out)."""
    def page(body: Any) -> list[T]:
        raw = _root(body, root)
        found = map(read, raw) if isinstance(raw, list) else ()
        return [record for record in found if record is not None]
    return page
