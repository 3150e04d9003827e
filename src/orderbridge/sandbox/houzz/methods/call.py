"""What a method handler gets: the marketplace state, the query parameters and the raw body."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from orderbridge.sandbox.houzz.state import HouzzState


@dataclass(frozen=True)
class ApiCall:
    """One authenticated, permitted call to a method."""

    state: HouzzState
    params: Mapping[str, str]
    body: bytes

    def param(self, name: str) -> str:
        """The trimmed value of query parameter `name`, '' when absent."""
        return self.params.get(name, "").strip()
