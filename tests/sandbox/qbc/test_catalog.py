"""Products, variants, locations, companies and addresses (reference §7.4, §7.5)."""

from __future__ import annotations

from tests.sandbox.qbc.helpers import Qbc


def test_product_and_variant_with_initial_stock(qbc: Qbc) -> None:
    product = qbc.post("/products", {"product": {"name": "Lamp", "product_type": "Lighting"}})
    assert product.status_code == 201
    product_id = product.json()["product"]["id"]
    response = qbc.post("/variants", {"variant": {
        "product_id": product_id, "sku": "LAMP-1", "name": "Lamp, Brass",
        "retail_price": "120.00", "buy_price": 60, "manage_stock": True, "keep_selling": False,
        "max_online": 4, "initial_stock_level": 8}})
    assert response.status_code == 201
    variant = response.json()["variant"]
    assert variant["retail_price"] == "120.0" and variant["buy_price"] == "60.0"
    assert variant["stock_on_hand"] == "8" and variant["available_stock"] == "8"
    assert variant["max_online"] == 4 and variant["product_name"] == "Lamp"
    location = variant["locations"][0]
    assert location["bin_location"] is None and location["reorder_point"] is None
    shown = qbc.get(f"/products/{product_id}", include="variants").json()
    assert shown["product"]["variant_ids"] == [variant["id"]]
    assert shown["variants"][0]["sku"] == "LAMP-1"


def test_variant_requires_an_existing_product(qbc: Qbc) -> None:
    response = qbc.post("/variants", {"variant": {"sku": "X"}})
    assert response.json() == {"errors": {"product_id": ["can't be blank"]}}
    response = qbc.post("/variants", {"variant": {"product_id": 4040, "sku": "X"}})
    assert response.json()["errors"]["product_id"] == ["does not exist"]


def test_variant_filters_and_archiving(qbc: Qbc) -> None:
    qbc.seed(skus=5)
    variants = qbc.variants()
    target = variants[2]
    by_sku = qbc.get("/variants", sku=target["sku"]).json()["variants"]
    assert [v["id"] for v in by_sku] == [target["id"]]
    assert qbc.get("/variants", sku=target["sku"].lower()).json()["variants"] == []
    by_product = qbc.get("/variants", product_id=target["product_id"]).json()["variants"]
    assert [v["id"] for v in by_product] == [target["id"]]
    assert qbc.delete(f"/variants/{target['id']}").status_code == 204
    assert len(qbc.get("/variants").json()["variants"]) == 4
    archived = qbc.get("/variants", status="archived").json()["variants"]
    assert [v["id"] for v in archived] == [target["id"]]


def test_variant_put_updates_sku_and_prices(qbc: Qbc) -> None:
    qbc.seed(skus=1)
    variant = qbc.variants()[0]
    body = {"variant": {"sku": "NEW-SKU", "retail_price": "10.5"}}
    assert qbc.put(f"/variants/{variant['id']}", body).status_code == 204
    found = qbc.get("/variants", sku="NEW-SKU").json()["variants"]
    assert found[0]["retail_price"] == "10.5"
    assert qbc.get("/variants", sku=variant["sku"]).json()["variants"] == []


def test_locations(qbc: Qbc) -> None:
    response = qbc.post("/locations", {"location": {"label": "East", "address1": "9 Dock Rd",
                                                    "country": "US"}})
    assert response.status_code == 201
    location_id = response.json()["location"]["id"]
    labels = {loc["label"] for loc in qbc.get("/locations").json()["locations"]}
    assert labels == {"Main Warehouse", "East"}
    assert location_id in qbc.get("/accounts/current").json()["account"]["location_ids"]
    duplicate = qbc.post("/locations", {"location": {"label": "East", "address1": "x",
                                                     "country": "US"}})
    assert duplicate.json()["errors"]["label"] == ["has already been taken"]


def test_companies_and_addresses(qbc: Qbc) -> None:
    response = qbc.post("/companies", {"company": {"name": "Bo", "company_type": "retailer"}})
    assert response.json()["errors"]["company_type"] == ["is not included in the list"]
    company_id, address_id = qbc.customer()
    company = qbc.show("companies", company_id, "company")
    assert company["address_ids"] == [address_id]
    assert qbc.post("/addresses", {"address": {"company_id": company_id}}).json() == {
        "errors": {"address1": ["can't be blank"]}}
    listed = qbc.get("/addresses", company_id=company_id).json()["addresses"]
    assert [a["id"] for a in listed] == [address_id]
    assert qbc.get("/companies", company_type="business").json()["companies"] == []
