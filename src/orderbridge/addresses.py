"""Normalising ship-to data: US state codes, ISO country codes, phone numbers.

Houzz sends whatever the buyer typed (reference §3.2: clients match `State` against codes and
then names). QuickBooks Commerce wants a 2-letter `country_code`; carriers want state codes.
"""

from __future__ import annotations

import re
from functools import lru_cache

US_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
    "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY", "puerto rico": "PR", "guam": "GU", "us virgin islands": "VI",
    "american samoa": "AS", "northern mariana islands": "MP", "armed forces americas": "AA",
    "armed forces europe": "AE", "armed forces pacific": "AP",
}
_STATE_CODES = frozenset(US_STATES.values())

COUNTRIES = {
    "us": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states": "US",
    "united states of america": "US", "america": "US",
    "ca": "CA", "can": "CA", "canada": "CA",
    "gb": "GB", "uk": "GB", "u.k.": "GB", "united kingdom": "GB", "great britain": "GB",
    "england": "GB", "au": "AU", "australia": "AU", "de": "DE", "germany": "DE",
    "fr": "FR", "france": "FR", "mx": "MX", "mexico": "MX", "ie": "IE", "ireland": "IE",
    "nz": "NZ", "new zealand": "NZ",
}
COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom",
                 "AU": "Australia", "DE": "Germany", "FR": "France", "MX": "Mexico",
                 "IE": "Ireland", "NZ": "New Zealand"}


def _squash(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip()).lower()


@lru_cache(maxsize=1024)  # buyers' spellings repeat from order to order
def country_code(value: str | None, default: str = "US") -> str | None:
    """ISO 3166 alpha-2 for a country name or code; None when it cannot be recognised."""
    if value is None or not value.strip():
        return default
    key = _squash(value)
    if key in COUNTRIES:
        return COUNTRIES[key]
    if re.fullmatch(r"[a-z]{2}", key):
        return key.upper()
    return None


@lru_cache(maxsize=1024)
def us_state_code(value: str | None) -> str | None:
    """Two-letter code for a US state given as code or name; None when unknown."""
    if value is None:
        return None
    key = _squash(value).replace(".", "")
    if key.upper() in _STATE_CODES:
        return key.upper()
    return US_STATES.get(key)


def normalise_phone(value: str | None, country: str = "US") -> str:
    """Digits in a readable form; North American numbers as 555-123-4567."""
    if not value:
        return ""
    text = value.strip()
    extension = ""
    match = re.search(r"(?:ext\.?|x)\s*(\d+)\s*$", text, re.IGNORECASE)
    if match:
        extension, text = f" x{match.group(1)}", text[: match.start()]
    digits = re.sub(r"\D", "", text)
    if country in ("US", "CA"):
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) == 10:
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}{extension}"
    if not digits:
        return ""
    return ("+" if text.startswith("+") else "") + digits + extension


def normalise_zip(value: str | None, country: str = "US") -> str:
    """US ZIP as 12345 or 12345-6789 (a 4-digit ZIP that lost its leading zero is repaired)."""
    if not value:
        return ""
    text = value.strip().upper()
    if country != "US":
        return text
    digits = re.sub(r"\D", "", text)
    if len(digits) == 4:
        return "0" + digits
    if len(digits) == 9:
        return f"{digits[:5]}-{digits[5:]}"
    return digits if len(digits) == 5 else text
