"""Collecting 422 validation errors the way Rails reports them: `{"errors": {attr: [msg]}}`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderbridge.sandbox.qbc.envelope import JsonDict, invalid
from orderbridge.sandbox.qbc.values import to_decimal, to_int

BLANK = "can't be blank"
NOT_A_NUMBER = "is not a number"
NOT_IN_LIST = "is not included in the list"


class Errors:
    """Errors found in one request body; `check()` raises the 422 if there are any."""

    def __init__(self) -> None:
        self.by_attr: dict[str, list[str]] = {}

    def add(self, attr: str, message: str) -> None:
        self.by_attr.setdefault(attr, []).append(message)

    def check(self) -> None:
        if self.by_attr:
            raise invalid(self.by_attr)

    def required_str(self, body: JsonDict, attr: str) -> str:
        value = body.get(attr)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(attr, BLANK)
            return ""
        return str(value)

    def required_int(self, body: JsonDict, attr: str) -> int | None:
        value = body.get(attr)
        if value is None or value == "":
            self.add(attr, BLANK)
            return None
        number = to_int(value)
        if number is None:
            self.add(attr, NOT_A_NUMBER)
        return number

    def optional_int(self, body: JsonDict, attr: str) -> int | None:
        value = body.get(attr)
        if value is None or value == "":
            return None
        number = to_int(value)
        if number is None:
            self.add(attr, NOT_A_NUMBER)
        return number

    def optional_decimal(self, body: JsonDict, attr: str) -> Decimal | None:
        value = body.get(attr)
        if value is None or value == "":
            return None
        number = to_decimal(value)
        if number is None:
            self.add(attr, NOT_A_NUMBER)
        return number

    def one_of(self, body: JsonDict, attr: str, allowed: tuple[str, ...],
               default: str | None = None) -> str | None:
        value = body.get(attr, default)
        if value is None:
            return None
        if value not in allowed:
            self.add(attr, NOT_IN_LIST)
            return None
        return str(value)


def copy_attrs(target: dict[str, Any], body: JsonDict, names: tuple[str, ...]) -> bool:
    """Copy the writable plain attributes present in `body`; True when any changed."""
    changed = False
    for name in names:
        if name in body and target.get(name) != body[name]:
            target[name] = body[name]
            changed = True
    return changed
