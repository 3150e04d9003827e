"""The carrier map: QBC's free-text carrier name → the Houzz carrier code of `updateOrder` Ship.

Warehouses type carrier names by hand ("UPS", "ups ground", "Fed Ex", "U.S. Postal Service"),
while Houzz wants one of its codes (the sandbox's list: UPS, FedEx, USPS, DHL, OnTrac,
LaserShip, Purolator, CanadaPost, Other). Names are compared normalised: case, spaces and
punctuation ignored. A name matches an entry when its leading words spell the entry ("UPS
2nd Day Air" → "ups"), the longest such entry winning, so service names after the carrier need
no entries of their own. The common carriers are mapped out of the box; the merchant's entries
(`orderbridge carrier map`) come first, and `default_carrier_code` catches the rest if set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

HOUZZ_CARRIER_CODES = ("UPS", "FedEx", "USPS", "DHL", "OnTrac", "LaserShip", "Purolator",
                       "CanadaPost", "Other")
"""Houzz's carrier codes as the sandbox knows them (the real list is undocumented)."""

BUILT_IN: dict[str, str] = {
    "UPS": "UPS", "United Parcel Service": "UPS",
    "FedEx": "FedEx", "Federal Express": "FedEx",
    "USPS": "USPS", "US Postal Service": "USPS", "United States Postal Service": "USPS",
    "US Mail": "USPS", "Postal Service": "USPS",
    "DHL": "DHL",
    "OnTrac": "OnTrac",
    "LaserShip": "LaserShip",
    "Purolator": "Purolator",
    "Canada Post": "CanadaPost", "Postes Canada": "CanadaPost",
}
"""Carrier names (any spelling of case, spaces, dots) → Houzz code; services need no entry."""


def carrier_key(name: str) -> str:
    """The name as it is matched: lower-case letters and digits only ("Fed Ex" → "fedex")."""
    return "".join(_words(name))


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", name.lower())


def known_code(code: str) -> str | None:
    """The Houzz spelling of `code` if it is one of the known codes (case-insensitive)."""
    wanted = carrier_key(code)
    return next((known for known in HOUZZ_CARRIER_CODES if carrier_key(known) == wanted), None)


BUILT_IN_KEYS = {carrier_key(name): code for name, code in BUILT_IN.items()}


class CarrierMap:
    """Resolves carrier names for one run: the merchant's entries, the built-ins, the default."""

    def __init__(self, merchant: Mapping[str, str], default_code: str = "") -> None:
        """`merchant`: carrier key (see `carrier_key`) → Houzz code."""
        self._entries = {**BUILT_IN_KEYS, **merchant}
        self.default_code = default_code.strip()

    def resolve(self, name: str | None) -> str | None:
        """The Houzz code for the carrier `name`, or `None` when nothing maps it."""
        mapped = self.mapped(name)
        if mapped is not None:
            return mapped
        return self.default_code or None

    def mapped(self, name: str | None) -> str | None:
        """The code an entry gives `name` (the default not applied)."""
        if not name:
            return None
        words = _words(name)
        for count in range(len(words), 0, -1):  # longest first; a merchant's entry wins
            code = self._entries.get("".join(words[:count]))
            if code is not None:
                return code
        return None
