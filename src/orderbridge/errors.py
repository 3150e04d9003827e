"""Failures, classified as data: what kind of failure decides what the hub does next.

- `OrderbridgeError` — the root.
  - `RemoteError` — a remote API (Houzz or QBC) did not do what was asked.
    - `TransientError` — timeouts, connection failures, 5xx, 429: retried with backoff, honouring
      `retry_after` when the remote says when.
      - `OutcomeUnknown` — the call may have taken effect: read the record back first.
      - `NotSent` — the request never left (the rate-limit wait was longer than allowed).
    - `ConfigurationError` — bad or expired credentials, a missing permission, a lapsed
      subscription, an unreachable host: the integration is paused and a person is told.
    - `RecordRejected` — the remote refused this one record (a 422, an `Ack` of `Error` about an
      order): that record is held with the remote's message; the rest flow on.
    - `NotFound` — the record asked for does not exist remotely.
  - `UsageError` — the hub was asked something that cannot work (bad CLI input, unknown
    integration); the message says what to do instead.

Only `TransientError` is retried automatically. Messages are written for the merchant.
"""

from __future__ import annotations


class OrderbridgeError(Exception):
    """Root of every error orderbridge raises on purpose."""


class UsageError(OrderbridgeError):
    """A request to the hub itself that cannot be carried out as given."""


class RemoteError(OrderbridgeError):
    """A remote API did not do what was asked."""

    def __init__(self, system: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{system}: {message}")
        self.system = system
        self.message = message
        self.status = status


class TransientError(RemoteError):
    """Worth retrying later; `retry_after` seconds when the remote said so."""

    def __init__(self, system: str, message: str, *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(system, message, status=status)
        self.retry_after = retry_after


class OutcomeUnknown(TransientError):
    """The answer does not say whether the call took effect (an HTML page instead of an Ack,
    a body cut short): read the record back before deciding, never take it as a refusal."""


class NotSent(TransientError):
    """The request never left (its wait for the rate limit would have been too long): nothing
    happened remotely, so nothing needs looking up."""


class ConfigurationError(RemoteError):
    """Needs a person to fix the connection settings; retrying will not help."""


class RecordRejected(RemoteError):
    """The remote refused one record; hold it with this message."""


class NotFound(RemoteError):
    """The remote has no such record."""
