"""A notification that did not go out, said in a merchant's words ("connection refused by
smtp.shop.com:587", "HTTP 500 from the receiver").

A `RemoteError`, never a `ConfigurationError`: a mail server that refuses a password must not
pause the integration (orders keep flowing); the job reports it and the next run retries.
"""

from __future__ import annotations

import socket

from orderbridge.errors import RemoteError


class NotificationFailed(RemoteError):
    """An email or webhook call failed; ``system`` is "email" or "webhook"."""


def network_words(exc: OSError, where: str, timeout_s: float) -> str:
    """What a socket-level failure means, for a person (no secret is ever in it)."""
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused by {where} (is the server running, is the port right?)"
    if isinstance(exc, TimeoutError):
        return f"no answer from {where} within {timeout_s:g} s"
    if isinstance(exc, socket.gaierror):
        return f"unknown host in {where} (check the spelling of the host name)"
    if isinstance(exc, ConnectionResetError):
        return f"{where} closed the connection"
    return f"could not reach {where} ({exc.strerror or exc.__class__.__name__})"
