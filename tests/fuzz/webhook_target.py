"""QBC webhook deliveries through the real web app: `POST /webhooks/qbc/{integration}` on a
loopback server, with bodies (sound, mangled, random, huge) and headers (the signature right,
wrong, missing or garbage; the delivery id new, repeated, missing or too long).

No answer is a 5xx, every answer says what became of the delivery, and the inbox never loses
a valid one: a delivery signed with the app's secret, new, naming a record of an event the hub
uses, is answered 200 and is in the store afterwards.
"""

from __future__ import annotations

import html
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import strategies as st
from sqlalchemy import select

from orderbridge.connectors.qbc.webhooks import DELIVERY_HEADER, SIGNATURE_HEADER, signature_of
from orderbridge.crypto import SecretBox
from orderbridge.sandbox.server import serve_in_thread
from orderbridge.store import integrations
from orderbridge.store.credentials import WEBHOOK_SECRET, save_credentials
from orderbridge.store.tables import WebhookDelivery
from orderbridge.web.app import create_app
from orderbridge.web.qbc_webhook_route import MAX_BODY
from orderbridge.workflows.qbc_webhooks.events import WANTED
from orderbridge.workflows.qbc_webhooks.receive import SECRET_KEY
from tests.fuzz.mangling import Body, mangled, mostly
from tests.fuzz.running import loopback_only, private_home, run_cases
from tests.fuzz.tally import FuzzTally

INTEGRATION = "fuzz"
SECRET = "app-secret-of-the-fuzz"
NOW = int(time.time())
EVENTS = [*WANTED, "fulfillments.create", "variants.stock_level_update", "order.update",
          "company.create", "", ".", "x" * 80]
timestamps = mostly(st.none() | st.integers(NOW - 3600, NOW), st.one_of(
    st.integers(NOW - 40 * 86_400, NOW - 5 * 86_400), st.integers(10**11, 2**70),
    st.integers(-(10**12), -1), st.floats(), st.text(max_size=8)), in_ten=6)
delivery_document = st.fixed_dictionaries({
    "event": mostly(st.sampled_from(WANTED), st.sampled_from(EVENTS) | st.text(max_size=10)),
    "object_id": mostly(st.integers(1, 10**9), st.sampled_from(
        [0, -1, 2**63, 2**64, "12", "x", None, 1.5])),
    "timestamp": timestamps,
    "resource_url": st.sampled_from(["https://api.tradegecko.com/fulfillments/1.json",
                                     "http://127.0.0.1:9/steal", "", None])})
header_text = st.text(st.characters(codec="latin-1", categories=("L", "M", "N", "P", "S", "Zs")),
                      max_size=50)


@dataclass(frozen=True)
class Delivery:
    integration: str
    body: Body
    document: dict[str, Any] | None
    signature: str
    delivery_id: str
    huge: int


def _sound(document: dict[str, Any]) -> bool:
    """A delivery QBC could send that the hub must record."""
    stamp = document["timestamp"]
    return (document["event"] in WANTED and isinstance(document["object_id"], int)
            and not isinstance(document["object_id"], bool)
            and 0 < document["object_id"] < 2**63
            and (stamp is None or (isinstance(stamp, int) and NOW - 3600 <= stamp <= NOW)))


@st.composite
def deliveries(draw: st.DrawFn) -> Delivery:
    document = draw(delivery_document)
    body = draw(mangled(st.just(json.dumps(document).encode())))
    return Delivery(
        integration=draw(mostly(st.just(INTEGRATION), st.just("other") | st.text(max_size=8),
                                in_ten=9)),
        body=body, document=document if body.intact else None,
        signature=draw(mostly(st.just("right"), st.sampled_from(["wrong", "none", "spaced"])
                              | header_text)),
        delivery_id=draw(mostly(st.just("new"), st.sampled_from(["again", "none", "long"])
                                | header_text)),
        huge=draw(mostly(st.just(0), st.sampled_from([1, 100_000]), in_ten=9)))


_SOUND = {"event": "fulfillment.create", "object_id": 12, "timestamp": None, "resource_url": ""}
SEEDS = [Delivery(INTEGRATION, Body(json.dumps(_SOUND).encode(), "intact"), _SOUND, "right",
                  "new", 0),
         Delivery(INTEGRATION, Body(json.dumps(_SOUND).encode(), "intact"), _SOUND, "wrong",
                  "new", 0)]


def qbc_webhooks(examples: int) -> FuzzTally:
    with loopback_only(), private_home() as home:
        with home.store.begin() as session:
            row = integrations.get_or_create_integration(session, INTEGRATION)
            save_credentials(session, row.id, WEBHOOK_SECRET, {SECRET_KEY: SECRET},
                             SecretBox.from_settings(home.settings))
        app = create_app(home.settings, home.store)
        server = serve_in_thread(app)
        sent: list[str] = []
        try:
            with httpx.Client(base_url=server.base_url, timeout=30) as http:
                return run_cases("QBC webhook deliveries", deliveries(), examples,
                                 lambda delivery, tally: _deliver(
                                     http, home.store, sent, delivery, tally), SEEDS)
        finally:
            server.stop()
            app.state.nudger.wait_idle(30)  # the jobs deliveries started, before the store goes


def _deliver(http: httpx.Client, store: Any, sent: list[str], delivery: Delivery,
             tally: FuzzTally) -> None:
    body = delivery.body.data + b" " * (MAX_BODY + delivery.huge if delivery.huge else 0)
    headers: dict[bytes, bytes] = {b"Content-Type": b"application/json"}
    if delivery.huge:  # answered before it is read: the connection cannot be used again
        headers[b"Connection"] = b"close"
    signature = _signature(delivery.signature, body)
    if signature is not None:
        headers[SIGNATURE_HEADER.encode()] = signature.encode("latin-1")
    delivery_id = _delivery_id(delivery.delivery_id, sent)
    if delivery_id is not None:
        headers[DELIVERY_HEADER.encode()] = delivery_id.encode("latin-1")
    path = f"/webhooks/qbc/{quote(delivery.integration, safe='')}"
    response = http.post(path, content=body, headers=headers)
    message = _message(response)
    if response.status_code >= 500:
        tally.crash(f"HTTP {response.status_code}: {message}", delivery)
        return
    valid = (delivery.integration == INTEGRATION and delivery.signature == "right"
             and delivery.delivery_id == "new" and not delivery.huge
             and delivery.document is not None and _sound(delivery.document))
    if valid:
        assert delivery_id is not None
        with store.session() as session:
            kept = session.scalar(select(WebhookDelivery.id).where(
                WebhookDelivery.delivery_id == delivery_id))
        if response.status_code != 200 or kept is None:
            tally.lose(1, f"a valid delivery answered {response.status_code} {message!r}, "
                       f"{'kept' if kept else 'not kept'}", delivery)
    if response.status_code == 200 and message in ("received", "already received"):
        tally.accept()
    else:
        tally.refuse(message, delivery)


def _signature(kind: str, body: bytes) -> str | None:
    right = signature_of(SECRET, body)
    return {"right": right, "wrong": signature_of("not-the-secret", body), "none": None,
            "spaced": f" {right[:10]} {right[10:]}\n".strip()}.get(kind, kind)


def _delivery_id(kind: str, sent: list[str]) -> str | None:
    if kind == "none":
        return None
    if kind == "long":
        return "d" * 101
    if kind == "again" and sent:
        return sent[-1]
    chosen = str(uuid.uuid4()) if kind in ("new", "again") else kind
    sent.append(chosen)
    return chosen


def _message(response: httpx.Response) -> str | None:
    """The answer's ``message`` (or ``error``), or the words of an HTML page."""
    try:
        document = response.json()
    except ValueError:
        return page_words(response.text)
    if not isinstance(document, dict):
        return None
    found = document.get("message") or document.get("error")
    return str(found) if found is not None else None


def page_words(page: str) -> str:
    """The text of a page's main part, tags and spacing dropped."""
    main = re.search(r"<main\b.*?</main>", page, re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", main.group(0) if main else page)
    return " ".join(html.unescape(text).split())
