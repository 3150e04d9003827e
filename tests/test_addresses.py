"""Ship-to normalisation."""

from __future__ import annotations

import pytest

from orderbridge.addresses import country_code, normalise_phone, normalise_zip, us_state_code


@pytest.mark.parametrize(("given", "expected"), [
    ("CA", "CA"), ("ca", "CA"), ("California", "CA"), (" new  york ", "NY"),
    ("D.C.", "DC"), ("Narnia", None), (None, None),
])
def test_us_state_code(given: str | None, expected: str | None) -> None:
    assert us_state_code(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    (None, "US"), ("", "US"), ("USA", "US"), ("United States", "US"), ("canada", "CA"),
    ("de", "DE"), ("Atlantis", None),
])
def test_country_code(given: str | None, expected: str | None) -> None:
    assert country_code(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("(555) 123-4567", "555-123-4567"), ("+1 555 123 4567", "555-123-4567"),
    ("555.123.4567 ext 12", "555-123-4567 x12"), ("", ""), ("12", "12"),
])
def test_phone(given: str, expected: str) -> None:
    assert normalise_phone(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("2134", "02134"), ("94110", "94110"), ("941101234", "94110-1234"), ("", ""),
])
def test_zip(given: str, expected: str) -> None:
    assert normalise_zip(given) == expected
