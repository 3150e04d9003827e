"""``/api/v1/orders`` against the running app with orders from the sandboxes: search, detail,
the actions and their refusals, 404s, and bounded parameters (422, never a 5xx)."""

from __future__ import annotations

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN
from tests.cli.conftest import known_skus, qbc_orders
from tests.web.orders_fixtures import Hub, hub, pair, sandboxes

__all__ = ["hub", "pair", "sandboxes"]  # the fixtures, used by name


def test_search_and_detail(hub: Hub) -> None:
    hub.place(3)
    [stuck] = hub.place(1, unknown_sku_rate=1.0)
    hub.sync()
    api = hub.web.api()
    everything = api.get("/api/v1/orders").json()
    assert everything["total"] == 4 and len(everything["orders"]) == 4
    ids = [o["houzz_order_id"] for o in everything["orders"]]
    assert ids == [o["houzz_order_id"] for o in hub.cli.invoke(
        "orders", "list", "--json").json()]  # the CLI's list, newest first

    held = api.get("/api/v1/orders", params={"status": "held"}).json()
    assert [o["houzz_order_id"] for o in held["orders"]] == [stuck]
    assert held["orders"][0]["hold_reason_code"] == "unknown_sku"
    target = next(o for o in everything["orders"] if o["houzz_order_id"] != stuck)
    assert [o["houzz_order_id"] for o in api.get("/api/v1/orders", params={
        "q": target["houzz_order_id"]}).json()["orders"]] == [target["houzz_order_id"]]
    named = api.get("/api/v1/orders", params={"q": target["buyer"]}).json()["orders"]
    assert target["houzz_order_id"] in [o["houzz_order_id"] for o in named]
    page = api.get("/api/v1/orders", params={"limit": 2, "offset": 1}).json()
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)
    assert [o["houzz_order_id"] for o in page["orders"]] == ids[1:3]
    day = target["order_date"][:10]
    assert api.get("/api/v1/orders", params={"date_from": day, "date_to": day}
                   ).json()["total"] == 4
    assert api.get("/api/v1/orders", params={"date_to": "2000-01-01"}).json()["total"] == 0

    detail = api.get(f"/api/v1/orders/{target['cust_ref']}")
    assert detail.status_code == 200
    document = detail.json()
    assert document["status"] == "at_wms"
    assert [e["kind"] for e in document["timeline"]] == ["downloaded", "sending", "delivered"]
    assert document["houzz_payload"]["OrderId"] == target["houzz_order_id"]
    assert document["qbc_payload"]["order"]["reference_number"] == target["houzz_order_id"]
    assert document["actions"]["release"] is not None and document["actions"]["retry"]
    for secret in (QBC_TOKEN, HOUZZ_CREDENTIALS["token"]):
        assert secret not in detail.text


def test_actions_and_their_refusals(hub: Hub) -> None:
    first, second = hub.place(2, unknown_sku_rate=1.0)
    hub.sync()
    api = hub.web.api()

    released = api.post(f"/api/v1/orders/{first}/release")
    assert released.status_code == 200, released.text
    assert "released (was held: SKU" in released.json()["message"]
    assert released.json()["order"]["status"] == "new"
    assert released.json()["next_job"] == "deliver"
    refused = api.post(f"/api/v1/orders/{first}/release")
    assert refused.status_code == 409
    assert refused.json() == {"error": "the order is new, not held; there is no hold to "
                                       "release"}

    retried = api.post(f"/api/v1/orders/{first}/retry")  # still an unknown SKU: held again
    assert retried.status_code == 200, retried.text
    assert retried.json()["job_run"].startswith("deliver: ")
    assert retried.json()["order"]["status"] == "held"
    for sku in _unknown_skus(hub, first):
        hub.cli.invoke("alias", "add", sku, known_skus(hub.pair)[0])
    done = api.post(f"/api/v1/orders/{first}/retry").json()
    assert done["order"]["status"] == "at_wms" and "delivered 1" in done["job_run"]
    assert [o["reference_number"] for o in qbc_orders(hub.pair)] == [first]
    assert api.post(f"/api/v1/orders/{first}/retry").status_code == 409

    canceled = api.post(f"/api/v1/orders/{second}/cancel")
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["order"]["status"] == "canceled"
    assert canceled.json()["order"]["timeline"][-1]["kind"] == "canceled"
    again = api.post(f"/api/v1/orders/{second}/cancel")
    assert again.status_code == 409 and again.json()["error"] == "the order is canceled already"
    in_qbc = api.post(f"/api/v1/orders/{first}/cancel")
    assert in_qbc.status_code == 409
    assert in_qbc.json()["error"].startswith("the order is already in QuickBooks Commerce")
    assert api.post(f"/api/v1/orders/{second}/retry", params={"now": "false"}
                    ).status_code == 409
    hub.sync()
    assert [o["reference_number"] for o in qbc_orders(hub.pair)] == [first]  # never sent


def _unknown_skus(hub: Hub, ref: str) -> list[str]:
    catalog = known_skus(hub.pair)
    return [line["item"] for line in hub.show(ref)["order"]["items"]
            if line["line_type"] == "product" and line["item"] not in catalog]


def test_unknowns_are_404_and_bad_parameters_422(hub: Hub) -> None:
    api = hub.web.api()
    for method, path in (("GET", "/api/v1/orders/NOPE"), ("POST", "/api/v1/orders/NOPE/retry"),
                         ("POST", "/api/v1/orders/NOPE/cancel"),
                         ("POST", "/api/v1/orders/NOPE/release")):
        answer = api.request(method, path)
        assert answer.status_code == 404, (method, path)
        assert answer.json()["error"].startswith("no order 'NOPE' in integration 'default'")
    unknown = api.get("/api/v1/orders", params={"integration": "elsewhere"})
    assert unknown.status_code == 404 and "no integration named 'elsewhere'" in unknown.text
    for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"status": "lost"},
                   {"date_from": "tuesday"}, {"q": "x" * 201}, {"q": "a\x00b"},
                   {"offset": 10**30}):
        answer = api.get("/api/v1/orders", params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert answer.json()["error"].startswith("invalid request")
    assert api.get("/api/v1/orders", params={"date_to": "9999-12-31"}).status_code == 200
    assert api.get(f"/api/v1/orders/{'x' * 101}").status_code == 422
    assert hub.web.client().get("/api/v1/orders").status_code == 401


def test_every_orders_route_has_a_summary_in_the_schema(hub: Hub) -> None:
    schema = hub.web.api().get("/openapi.json").json()
    operations = {(method, path): operation for path, methods in schema["paths"].items()
                  if path.startswith("/api/v1/orders") for method, operation in methods.items()}
    assert set(operations) == {("get", "/api/v1/orders"), ("get", "/api/v1/orders/{ref}"),
                               ("post", "/api/v1/orders/{ref}/retry"),
                               ("post", "/api/v1/orders/{ref}/cancel"),
                               ("post", "/api/v1/orders/{ref}/release")}
    assert all(operation.get("summary") for operation in operations.values())
