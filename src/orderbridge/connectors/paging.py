"""Reading a paged collection that may never end: a remote that ignores the page asked for
(answering the same page again), or says "more" for ever, must not loop and burn the budget.

``PageGuard`` watches the pages of one read: a page identical to the one before it, or more
pages than ``MAX_PAGES``, ends the read with a ``RemoteError`` that says which.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from orderbridge.errors import RemoteError

MAX_PAGES = 2000
"""Far beyond any real account (2,000 pages of 250 QBC variants are 500,000 variants)."""


class PageGuard:
    """Checks each page of one paged read."""

    def __init__(self, system: str, what: str, max_pages: int = MAX_PAGES) -> None:
        self._system = system
        self._what = what
        self._max_pages = max_pages
        self._pages = 0
        self._previous: str | None = None

    def check(self, page: Any, position: str) -> None:
        """Call with each page's records (any JSON-like value) and where it was asked for."""
        self._pages += 1
        if self._pages > self._max_pages:
            raise RemoteError(self._system, f"{self._what} kept answering more pages: stopped "
                              f"after {self._max_pages} pages ({position}); the remote's "
                              "paging seems broken, nothing further was read")
        fingerprint = hashlib.sha256(
            json.dumps(page, sort_keys=True, default=str).encode()).hexdigest()
        if page and fingerprint == self._previous:
            raise RemoteError(self._system, f"{self._what} answered the same page again at "
                              f"{position}: the remote seems to ignore the page asked for; "
                              "stopped reading")
        self._previous = fingerprint
