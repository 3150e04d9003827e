"""``/api/v1/alerts`` and ``/api/v1/mappings``: the screens' data and fixes as JSON, with an
unknown SKU held by the real jobs and released by an alias added through the API."""

from __future__ import annotations

from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.store import integrations
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import known_skus, place, qbc_orders
from tests.web.conftest import Web
from tests.web.jobs_flow import connected

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair


def test_an_alias_added_by_the_api_releases_the_held_order(web: Web,
                                                          pair: SandboxPair) -> None:
    cli = connected(web, pair)
    [stuck] = place(pair, 1, unknown_sku_rate=1.0)
    cli.invoke("sync", "--once")
    api = web.api()
    held = api.get("/api/v1/alerts/held").json()
    unknown = [group["key"] for group in held if group["fix"] == "alias"]
    assert unknown and all(g["orders"][0]["houzz_order_id"] == stuck for g in held)
    target = known_skus(pair)[0]
    answers = [api.post("/api/v1/mappings/aliases",
                        json={"channel_sku": sku, "warehouse_sku": target}) for sku in unknown]
    assert [a.status_code for a in answers] == [201] * len(unknown)
    last = answers[-1].json()
    assert last["message"] == f"Alias {unknown[-1]} → {target} released 1 order"
    assert len(last["released"]) == 1
    assert api.get("/api/v1/alerts/held").json() == []
    resolved = api.get("/api/v1/alerts", params={"active": "false"}).json()
    assert resolved[0]["kind"] == "fixed" and resolved[0]["message"] == last["message"]
    assert api.get("/api/v1/alerts", params={"active": "true"}).json() == []
    assert "delivered 1" in cli.invoke("sync", "--once").stdout
    assert [o["reference_number"] for o in qbc_orders(pair)] == [stuck]


def test_mappings_crud_and_refusals(web: Web) -> None:
    with web.store.begin() as session:
        integrations.get_or_create_integration(session)
    api = web.api()
    base = "/api/v1/mappings"
    assert api.get(f"{base}/aliases").json() == []
    assert api.post(f"{base}/aliases", json={"channel_sku": "HZ/1",
                                             "warehouse_sku": "QBC-1"}).status_code == 201
    assert api.get(f"{base}/aliases").json() == [{"channel_sku": "HZ/1",
                                                  "warehouse_sku": "QBC-1"}]
    bad = api.post(f"{base}/aliases", json={"channel_sku": "HZ\x002", "warehouse_sku": "Q"})
    assert bad.status_code == 422 and "control character U+0000" in bad.json()["error"]
    long = api.post(f"{base}/aliases", json={"channel_sku": "H" * 3000, "warehouse_sku": "Q"})
    assert long.status_code == 422 and "error" in long.json()
    assert api.delete(f"{base}/aliases/HZ/1").status_code == 204
    gone = api.delete(f"{base}/aliases/HZ/1")
    assert gone.status_code == 404 and "is not mapped" in gone.json()["error"]

    assert api.post(f"{base}/ship-methods", json={"code": "CURBSIDE",
                                                  "value": "Freight"}).status_code == 201
    assert api.get(f"{base}/ship-methods").json() == [{"code": "CURBSIDE", "value": "Freight"}]
    assert api.delete(f"{base}/ship-methods/CURBSIDE").status_code == 204
    assert api.get(f"{base}/ship-methods").json() == []

    mapped = api.post(f"{base}/carriers", json={"carrier": "Speedy Freight",
                                                "houzz_code": "fedex"})
    assert mapped.status_code == 201 and mapped.json()["message"].startswith(
        "Carrier Speedy Freight → FedEx")
    assert api.get(f"{base}/carriers").json() == [
        {"carrier": "Speedy Freight", "houzz_code": "FedEx", "source": "merchant"}]
    with_built_in = api.get(f"{base}/carriers", params={"built_in": "true"}).json()
    assert {"carrier": "Canada Post", "houzz_code": "CanadaPost",
            "source": "built-in"} in with_built_in
    assert api.delete(f"{base}/carriers/speedy-freight").status_code == 204
    assert api.delete(f"{base}/carriers/...").status_code == 422

    unknown = api.get(f"{base}/aliases", params={"integration": "nope"})
    assert unknown.status_code == 404 and "no integration named 'nope'" in unknown.json()[
        "error"]
    assert api.get("/api/v1/alerts", params={"integration": "nope"}).status_code == 404
    assert web.client().get(f"{base}/aliases").status_code == 401
