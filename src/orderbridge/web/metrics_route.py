"""``GET /metrics``: the Prometheus metrics of the web app's process and its store
(`runtime.metrics`), in Prometheus's text format.

Prometheus cannot log in, so this route has no session and no CSRF; it has its own rule, and
refuses everyone else, as every other route refuses the anonymous:
- with ``ORDERBRIDGE_METRICS_TOKEN`` set, a request must send ``Authorization: Bearer
  <that token>`` (401 otherwise), from wherever it comes; Prometheus's scrape config says
  ``authorization: {credentials: <token>}``;
- without it, only a client on this machine's loopback gets an answer (403 otherwise), and not
  a request that came through a proxy (it carries ``Forwarded`` / ``X-Forwarded-For`` /
  ``X-Real-IP``: behind a TLS proxy on the same host every client looks local). Set the
  token to scrape from another host.
The metrics hold counts, job and integration names only, never a secret or an order's data.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from orderbridge.runtime.metrics import scrape
from orderbridge.settings import Settings
from orderbridge.web.auth import store_of

router = APIRouter()

PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    refusal = refusal_of(request)
    if refusal is not None:
        return refusal
    return Response(scrape(store_of(request)), media_type=CONTENT_TYPE_LATEST)


def refusal_of(request: Request) -> Response | None:
    """The answer to a request the rule of the module docstring refuses; None if allowed."""
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token.get_secret_value()}".encode()
        given = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(given, expected):
            return None
        return PlainTextResponse("The metrics need the bearer token of "
                                 "ORDERBRIDGE_METRICS_TOKEN.\n", 401,
                                 headers={"WWW-Authenticate": "Bearer"})
    if _direct_from_loopback(request):
        return None
    return PlainTextResponse("The metrics are served to this machine only; set "
                             "ORDERBRIDGE_METRICS_TOKEN to scrape them from elsewhere.\n", 403)


def _direct_from_loopback(request: Request) -> bool:
    if any(name in request.headers for name in PROXY_HEADERS) or request.client is None:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:  # not an address (a test transport, a unix socket)
        return False
