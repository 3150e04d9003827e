"""What a delivery run did, and the signal that stops it when QBC needs a person."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DeliverResult:
    delivered: int = 0
    recovered: int = 0
    """Found in QBC by lookup after an interrupted attempt (not sent again)."""
    held: int = 0
    released: int = 0
    previewed: int = 0
    retrying: int = 0
    canceled: int = 0
    """Canceled on Houzz before they were sent (re-checked right before the in-flight commit)."""
    adopted: int = 0
    """Made in QBC by hand for a waiting order (an ``order.create`` webhook): not sent again."""
    paused: bool = False


class IntegrationPaused(Exception):
    """Raised inside a run when QBC says the connection needs a person."""
