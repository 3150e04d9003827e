"""QBC webhooks as the hub sees them: subscriptions it registers, and the deliveries QBC POSTs.

A delivery's body is ``{"object_id","event","timestamp","resource_url"}`` (reference §7.7)
and is signed: ``X-Gecko-Signature`` is Base64(HMAC-SHA256(key = the OAuth application's
secret, message = the raw body)). The signature is checked over the bytes as received, before
anything is parsed, and compared in constant time. The docs' own example writes the event in
the plural (``fulfillments.create``, §10 Q5): both spellings are read as the singular.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from orderbridge.connectors.qbc.records import integer, text

SIGNATURE_HEADER = "X-Gecko-Signature"
DELIVERY_HEADER = "X-Gecko-Delivery"
LARGEST_ID = 2**63 - 1
LARGEST_TIMESTAMP = 253_402_300_799
"""The last second of year 9999, the latest moment a ``datetime`` holds."""
PLURALS = {"fulfillments": "fulfillment", "variants": "variant", "orders": "order"}


@dataclass(frozen=True)
class RemoteWebhook:
    """A webhook as QBC lists it."""

    id: int
    event: str
    address: str


def webhook_from(record: Any) -> RemoteWebhook | None:
    if not isinstance(record, dict):
        return None
    webhook_id, event, address = (integer(record.get("id")), text(record.get("event")),
                                  text(record.get("address")))
    if webhook_id is None or event is None or address is None:
        return None
    return RemoteWebhook(webhook_id, event, address)


def signature_of(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_by(secret: str, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` (the header as sent, whitespace stripped) signs ``body``."""
    if not signature or not secret:
        return False
    given = "".join(signature.split()).encode("ascii", "replace")
    return hmac.compare_digest(given, signature_of(secret, body).encode("ascii"))


@dataclass(frozen=True)
class Delivery:
    """What one delivery says changed: the event and the record's id and address."""

    event: str
    object_id: int
    resource_url: str
    timestamp: int | None


class UnreadableDelivery(ValueError):
    """A signed body that does not say which record changed."""


def delivery_from(body: bytes) -> Delivery:
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise UnreadableDelivery("the body is not JSON") from exc
    if not isinstance(document, dict):
        raise UnreadableDelivery("the body is not a JSON object")
    event = text(document.get("event"))
    object_id = integer(document.get("object_id"))
    if event is None or object_id is None or not 0 < object_id <= LARGEST_ID:
        raise UnreadableDelivery("the body names no event or no object_id")
    resource, _, action = event.partition(".")
    event = f"{PLURALS.get(resource, resource)}.{action}"
    timestamp = integer(document.get("timestamp"))
    if timestamp is not None and not 0 < timestamp <= LARGEST_TIMESTAMP:
        timestamp = None  # no moment at all: read as a delivery that gives none
    return Delivery(event, object_id, text(document.get("resource_url")) or "", timestamp)
