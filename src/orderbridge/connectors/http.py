"""HTTP plumbing shared by the connectors: httpx is the one HTTP client.

Each connector holds one persistent ``httpx.Client`` with a bounded pool; every request it
sends runs ``within`` a deadline for the whole exchange (``connectors.deadline``), on top of
httpx's per-phase timeouts, so no remote can hold a job longer than that.

Outbound traffic honours the standard proxy variables (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY,
NO_PROXY) because httpx reads them when `trust_env` is on: a merchant whose QuickBooks Commerce
account only accepts a fixed source address sends orderbridge through a fixed-address egress proxy
(the self-hosted answer to CartRover's IP allow-list).
"""

from __future__ import annotations

import httpx

from orderbridge import __version__
from orderbridge.connectors.deadline import bound_by_deadlines
from orderbridge.errors import TransientError

USER_AGENT = f"orderbridge/{__version__}"
CONNECT_TIMEOUT_S = 10.0


def build_http_client(
    base_url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout_s: float = 30.0,
    transport: httpx.BaseTransport | None = None,
    max_connections: int = 20,
) -> httpx.Client:
    """A client for one remote API; `transport` lets tests serve an app in-process.

    ``timeout_s`` bounds each read (and, through ``deadline.within``, the caller bounds the
    whole exchange); connecting gets at most ``CONNECT_TIMEOUT_S``.
    """
    client = httpx.Client(
        base_url=base_url,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        timeout=httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s)),
        transport=transport,
        trust_env=True,
        limits=httpx.Limits(max_connections=max_connections,
                            max_keepalive_connections=max_connections),
    )
    bound_by_deadlines(client)
    return client


def transport_failure(system: str, exc: httpx.TransportError) -> TransientError:
    """Describe a failure to talk to the remote at all."""
    if isinstance(exc, httpx.TimeoutException):
        return TransientError(system, f"no answer in time ({type(exc).__name__})")
    if isinstance(exc, httpx.ConnectError):
        return TransientError(system, f"cannot reach {exc.request.url.host}: {exc}")
    return TransientError(system, f"connection failed: {exc}")
