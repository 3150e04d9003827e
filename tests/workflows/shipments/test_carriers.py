"""The carrier map: spellings of the common carriers, the merchant's entries, the default."""

from __future__ import annotations

import pytest

from orderbridge.workflows.shipments.carriers import (
    BUILT_IN,
    HOUZZ_CARRIER_CODES,
    CarrierMap,
    carrier_key,
    known_code,
)


@pytest.mark.parametrize(("name", "code"), [
    ("UPS", "UPS"), ("ups", "UPS"), (" U.P.S. ", "UPS"), ("ups ground", "UPS"),
    ("UPS Next Day Air", "UPS"), ("United Parcel Service", "UPS"),
    ("FedEx", "FedEx"), ("Fed Ex", "FedEx"), ("FEDEX", "FedEx"), ("Fed-Ex 2Day", "FedEx"),
    ("Federal Express", "FedEx"), ("FedEx Ground", "FedEx"),
    ("USPS", "USPS"), ("U.S.P.S.", "USPS"), ("U.S. Postal Service", "USPS"),
    ("United States Postal Service", "USPS"), ("USPS Priority Mail", "USPS"),
    ("DHL", "DHL"), ("DHL Express", "DHL"), ("dhl ecommerce", "DHL"),
    ("OnTrac", "OnTrac"), ("On Trac", "OnTrac"), ("LaserShip", "LaserShip"),
    ("Laser Ship", "LaserShip"), ("Purolator", "Purolator"), ("Canada Post", "CanadaPost"),
    ("canadapost", "CanadaPost"),
])
def test_built_in_spellings(name: str, code: str) -> None:
    assert CarrierMap({}).resolve(name) == code


@pytest.mark.parametrize("name", ["Speedy Freight", "Upsilon Couriers", "", None, "..."])
def test_unknown_carriers_are_unmapped_without_a_default(name: str | None) -> None:
    assert CarrierMap({}).resolve(name) is None
    assert CarrierMap({}, "Other").resolve(name) == "Other"


def test_merchant_entries_win_and_match_normalised() -> None:
    carriers = CarrierMap({carrier_key("Speedy Freight"): "Other",
                           carrier_key("UPS Freight"): "Other"})
    assert carriers.resolve("SPEEDY-FREIGHT") == "Other"
    assert carriers.resolve("UPS Freight") == "Other"  # overrides the built-in UPS prefix
    assert carriers.resolve("UPS Ground") == "UPS"
    assert carriers.mapped("Speedy Freight Express") == "Other"  # leading words match


def test_every_built_in_maps_to_a_houzz_code() -> None:
    assert set(BUILT_IN.values()) <= set(HOUZZ_CARRIER_CODES)
    assert known_code("canadapost") == "CanadaPost"
    assert known_code("fedex") == "FedEx"
    assert known_code("Royal Mail") is None
