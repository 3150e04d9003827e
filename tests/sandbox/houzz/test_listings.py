"""getListings, getListing and updateInventory."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.houzz.helpers import Houzz, parse_xml, xml_body, xml_errors

LISTING_KEYS = ["SKU", "ProductId", "Title", "Quantity", "Price", "Cost", "Status",
                "ShippingDetails"]


def _listings(houzz: Houzz) -> list[dict[str, Any]]:
    listings: list[dict[str, Any]] = houzz.control("GET", "/listings")["listings"]
    return listings


def test_seeded_listings_match_the_catalog(houzz: Houzz) -> None:
    from orderbridge.sandbox.catalog import build_catalog

    houzz.seed(12, seed=5)
    data = houzz.ok("getListings")
    assert data["TotalListingCount"] == 12
    catalog = build_catalog(12, 5)
    for listing, item in zip(data["Listings"], catalog, strict=True):
        assert list(listing) == LISTING_KEYS
        assert (listing["SKU"], listing["Title"], listing["Quantity"]) == (
            item.sku, item.name, item.stock_on_hand)
        assert (listing["Price"], listing["Cost"]) == (f"{item.price:.2f}", f"{item.cost:.2f}")
        assert listing["Status"] == "Active"
        assert set(listing["ShippingDetails"]) == {"LeadTimeMin", "LeadTimeMax"}
    assert len({listing["ProductId"] for listing in data["Listings"]}) == 12


def test_paging_and_empty_page(houzz: Houzz) -> None:
    houzz.seed(23)
    pages = [houzz.ok("getListings", Status="Active", Start=start, NumberOfItems=10)
             for start in (0, 10, 20, 30)]
    assert [p["TotalListingCount"] for p in pages] == [23] * 4
    assert [len(p.get("Listings", [])) for p in pages] == [10, 10, 3, 0]
    assert "Listings" not in pages[3]
    skus = [item["SKU"] for page in pages[:3] for item in page["Listings"]]
    assert len(set(skus)) == 23
    assert len(houzz.ok("getListings")["Listings"]) == 23  # default page size is 100


def test_empty_page_in_xml(houzz: Houzz) -> None:
    houzz.seed(2)
    root = parse_xml(houzz.api("getListings", fmt="xml", Start=5))
    assert root.tag == "GetListingsResponse"
    assert root.findtext("TotalListingCount") == "2"
    assert root.find("Listings") is None
    root = parse_xml(houzz.api("getListings", fmt="xml"))
    assert [e.findtext("ShippingDetails/LeadTimeMax") for e in root.findall("Listings/Listing")
            ] == ["3", "3"]


def test_status_filter_and_inactive(houzz: Houzz) -> None:
    houzz.seed(5)
    sku = _listings(houzz)[0]["SKU"]
    houzz.update_inventory(SKU=sku, Action="update", Status="inactive")
    assert houzz.ok("getListings", Status="active")["TotalListingCount"] == 4
    inactive = houzz.ok("getListings", Status="Inactive")
    assert [item["SKU"] for item in inactive["Listings"]] == [sku]
    assert houzz.ok("getListings", Status="ALL")["TotalListingCount"] == 5
    code, message = houzz.error("getListings", Status="Deleted")
    assert code == "InvalidParameter" and "Active, Inactive or All" in message


def test_get_listing_by_sku_and_product_id(houzz: Houzz) -> None:
    houzz.seed(6)
    wanted = _listings(houzz)[3]
    by_sku = houzz.ok("getListing", SKU=wanted["SKU"])["Listing"]
    by_id = houzz.ok("getListing", productId=wanted["ProductId"])["Listing"]
    assert by_sku == by_id
    assert by_sku["SKU"] == wanted["SKU"] and list(by_sku) == LISTING_KEYS
    root = parse_xml(houzz.api("getListing", fmt="xml", SKU=wanted["SKU"]))
    assert root.tag == "GetListingResponse"
    assert root.findtext("Listing/Status") == "Active"


def test_get_listing_errors(houzz: Houzz) -> None:
    houzz.seed(2)
    code, message = houzz.error("getListing", SKU="NOPE-1")
    assert code == "ListingNotFound" and "NOPE-1" in message
    assert houzz.error("getListing", productId="999")[0] == "ListingNotFound"
    code, message = houzz.error("getListing")
    assert code == "MissingParameter" and "SKU" in message and "productId" in message


def test_update_inventory_changes_and_records_history(houzz: Houzz) -> None:
    houzz.seed(3)
    listing = _listings(houzz)[1]
    sku = listing["SKU"]
    body = (f"<UpdateInventoryRequest><Quantity>7</Quantity><Price>19.5</Price>"
            f"<Action>Update</Action><SKU>{sku}</SKU><MSRP>25</MSRP>"
            "<ShippingLeadTimeMin>2</ShippingLeadTimeMin>"
            "<ShippingLeadTimeMax>9</ShippingLeadTimeMax></UpdateInventoryRequest>")
    root = parse_xml(houzz.api("updateInventory", fmt="xml", body=body))
    assert root.tag == "UpdateInventoryResponse" and root.findtext("Ack") == "Success"
    shown = houzz.ok("getListing", SKU=sku)["Listing"]
    assert (shown["Quantity"], shown["Price"], shown["MSRP"]) == (7, "19.50", "25.00")
    assert shown["ShippingDetails"] == {"LeadTimeMin": 2, "LeadTimeMax": 9}
    houzz.update_inventory(SKU=sku, Action="update", Quantity=0)
    history = houzz.control("GET", f"/listings/{sku}")["history"]
    assert [entry["changes"] for entry in history] == [
        {"Quantity": 7, "Price": "19.50", "MSRP": "25.00", "ShippingLeadTimeMin": 2,
         "ShippingLeadTimeMax": 9},
        {"Quantity": 0},
    ]
    assert history[0]["previous"]["Quantity"] == listing["Quantity"]
    assert history[1]["previous"] == {"Quantity": 7}


@pytest.mark.parametrize(("children", "code", "field"), [
    ({"Action": "update", "Quantity": 1}, "MissingField", "SKU"),
    ({"SKU": "{sku}", "Quantity": 1}, "MissingField", "Action"),
    ({"SKU": "{sku}", "Action": "delete", "Quantity": 1}, "InvalidField", "Action"),
    ({"SKU": "{sku}", "Action": "update", "Quantity": -1}, "InvalidField", "Quantity"),
    ({"SKU": "{sku}", "Action": "update", "Quantity": "2.5"}, "InvalidField", "Quantity"),
    ({"SKU": "{sku}", "Action": "update", "Quantity": "lots"}, "InvalidField", "Quantity"),
    ({"SKU": "{sku}", "Action": "update", "Status": "deleted"}, "InvalidField", "Status"),
    ({"SKU": "{sku}", "Action": "update", "Price": "-3"}, "InvalidField", "Price"),
    ({"SKU": "{sku}", "Action": "update", "MSRP": "cheap"}, "InvalidField", "MSRP"),
    ({"SKU": "{sku}", "Action": "update", "ShippingLeadTimeMin": 9}, "InvalidField",
     "ShippingLeadTimeMin"),
    ({"SKU": "{sku}", "Action": "update"}, "MissingField", "Quantity"),
])
def test_update_inventory_validation(houzz: Houzz, children: dict[str, Any], code: str,
                                     field: str) -> None:
    houzz.seed(2)
    before = _listings(houzz)[0]
    filled = {k: str(v).format(sku=before["SKU"]) for k, v in children.items()}
    body = xml_body("UpdateInventoryRequest", **filled)
    [(got_code, message)] = xml_errors(parse_xml(houzz.api("updateInventory", fmt="xml",
                                                           body=body)))
    assert got_code == code and field in message
    assert _listings(houzz)[0] == before


def test_unknown_sku_is_not_listed(houzz: Houzz) -> None:
    houzz.seed(2)
    root = houzz.update_inventory(SKU="GHOST-1", Action="update", Quantity=4)
    [(code, message)] = xml_errors(root)
    assert code == "ListingNotFound" and message.startswith("SKU GHOST-1 is not listed on Houzz")
