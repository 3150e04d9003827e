"""The merchant's limits on `cust_ref` (length, characters, prefix): a setting of the
integration, checked when it is set, and the shape the orders workflow makes references in."""

from __future__ import annotations

import re
from dataclasses import dataclass

CHARSETS = {
    "alnum-dash": "A-Za-z0-9-",
    "alnum": "A-Za-z0-9",
    "digits": "0-9",
}
_OUTSIDE = {name: re.compile(f"[^{chars}]") for name, chars in CHARSETS.items()}


@dataclass(frozen=True)
class CustRefRules:
    """The merchant's limits; defaults: 20 characters of letters, digits and `-`."""

    max_length: int = 20
    charset: str = "alnum-dash"
    prefix: str = ""

    def __post_init__(self) -> None:
        if self.charset not in CHARSETS:
            raise ValueError(f"cust_ref charset must be one of {', '.join(CHARSETS)}")
        if self.max_length < 8:
            raise ValueError("cust_ref max length must be at least 8")
        if len(clean(self.prefix, self.charset)) != len(self.prefix):
            raise ValueError(f"cust_ref prefix {self.prefix!r} has characters outside "
                             f"the {self.charset} charset")
        if len(self.prefix) > self.max_length - 6:
            raise ValueError("cust_ref prefix leaves too little room for the order number")


def clean(value: str, charset: str) -> str:
    """``value`` with every character outside ``charset`` left out."""
    return _OUTSIDE[charset].sub("", value)
