"""`Start` (0-based item offset) and `NumberOfItems` (page size), as every list method takes them.

The page size defaults to 100 and is capped at 1000 (clients ask for 1000 orders; the real cap
is unknown, so larger values are quietly reduced rather than refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from orderbridge.sandbox.houzz.errors import invalid_parameter
from orderbridge.sandbox.houzz.methods.call import ApiCall

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
T = TypeVar("T")


def page_of(call: ApiCall, items: Sequence[T]) -> list[T]:
    start = _whole_number(call, "Start", default=0, minimum=0)
    size = min(_whole_number(call, "NumberOfItems", default=DEFAULT_PAGE_SIZE, minimum=1),
               MAX_PAGE_SIZE)
    return list(items[start:start + size])


def _whole_number(call: ApiCall, name: str, default: int, minimum: int) -> int:
    text = call.param(name)
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or int(text) < minimum:
        raise invalid_parameter(name, text, f"use a whole number, {minimum} or more")
    return int(text)
