"""The Orders screens against the running app, with orders that came through the real jobs from
the sandboxes: search by each key, the filters, paging, the detail (timeline, both payloads, no
secret), and each action's success and refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN
from tests.cli.conftest import known_skus, qbc_orders
from tests.web.conftest import post_form
from tests.web.orders_fixtures import Hub, act, hub, listed_refs, pair, sandboxes

__all__ = ["hub", "pair", "sandboxes"]  # the fixtures, used by name


def _product_skus(document: dict[str, Any]) -> list[str]:
    return [line["item"] for line in document["order"]["items"]
            if line["line_type"] == "product"]


def test_one_search_box_finds_by_each_key_and_status_filters(hub: Hub) -> None:
    hub.cli.invoke("config", "set", "cust_ref_charset", "alnum")
    hub.cli.invoke("config", "set", "cust_ref_prefix", "HZ")  # cust_ref ≠ Houzz OrderId
    hub.place(4)
    [stuck] = hub.place(1, unknown_sku_rate=1.0)
    hub.sync()
    listed = hub.orders()
    documents = {ref: hub.show(ref) for ref in listed}
    client = hub.web.logged_in()

    page = client.get("/orders")
    assert page.status_code == 200 and 'id="order-search"' in page.text
    assert sorted(listed_refs(page)) == sorted(o["cust_ref"] for o in listed.values())
    target_id, target = next((k, o) for k, o in listed.items() if k != stuck)
    assert target["cust_ref"] != target_id and target["cust_ref"].startswith("HZ")

    def found(q: str) -> list[str]:
        answer = client.get("/orders", params={"q": q})
        assert answer.status_code == 200
        return sorted(listed_refs(answer))

    assert found(target["cust_ref"].lower()) == [target["cust_ref"]]  # cust_ref
    assert found(target_id) == [target["cust_ref"]]  # cust_po_no, the Houzz OrderId
    buyer = target["buyer"]
    assert buyer and found(buyer.upper()) == sorted(
        o["cust_ref"] for o in listed.values() if buyer.lower() in (o["buyer"] or "").lower())
    sku = _product_skus(documents[target_id])[0]
    assert target["cust_ref"] in found(sku) and found(sku) == sorted(
        listed[ref]["cust_ref"] for ref, doc in documents.items()
        if any(sku.lower() in item.lower() for item in _product_skus(doc)))
    assert found("no such order anywhere") == []

    held = client.get("/orders", params={"status": "held"})
    assert listed_refs(held) == [listed[stuck]["cust_ref"]]
    assert sorted(listed_refs(client.get("/orders", params={"status": "at_wms"}))) == sorted(
        o["cust_ref"] for k, o in listed.items() if k != stuck)
    link = f'href="/orders/{listed[stuck]["cust_ref"]}"'
    assert link in held.text  # each row links to its detail


def test_date_filters_and_bad_input_shown_next_to_the_field(hub: Hub) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    days = {age: today - timedelta(days=age) for age in (0, 5, 10)}
    placed = {age: hub.place(1, created=f"{day:%Y-%m-%d %H:%M:%S}+00:00")[0]
              for age, day in days.items()}
    hub.sync("download")
    cust_ref = {age: hub.orders()[order_id]["cust_ref"] for age, order_id in placed.items()}
    client = hub.web.logged_in()

    def between(first: datetime | None, last: datetime | None) -> list[str]:
        params = {"date_from": "" if first is None else f"{first:%Y-%m-%d}",
                  "date_to": "" if last is None else f"{last:%Y-%m-%d}"}
        answer = client.get("/orders", params=params)
        assert answer.status_code == 200, answer.text[:500]
        return listed_refs(answer)

    assert between(days[5], days[5]) == [cust_ref[5]]  # both days included
    assert between(days[10], days[5]) == [cust_ref[5], cust_ref[10]]
    assert between(days[5], None) == [cust_ref[0], cust_ref[5]]
    assert between(None, days[10]) == [cust_ref[10]]
    assert between(today + timedelta(days=1), None) == []

    bad = client.get("/orders", params={"date_from": "last tuesday", "status": "lost",
                                        "date_to": f"{days[5]:%Y-%m-%d}"})
    assert bad.status_code == 400
    assert 'id="date_from-error">Give a day as YYYY-MM-DD' in bad.text
    assert 'id="status-error">Pick a status from the list.' in bad.text
    assert listed_refs(bad) == [cust_ref[5], cust_ref[10]]  # the good field still applies
    backwards = client.get("/orders", params={"date_from": f"{days[0]:%Y-%m-%d}",
                                              "date_to": f"{days[10]:%Y-%m-%d}"})
    assert "The last day comes before the first day." in backwards.text
    long = client.get("/orders", params={"q": "x" * 201, "page": "ninety"})
    assert long.status_code == 400 and 'id="q-error"' in long.text


def test_pages_of_fifty_with_page_links(hub: Hub) -> None:
    hub.place(53)
    hub.sync("download")
    newest_first = [o["cust_ref"] for o in hub.cli.invoke(
        "orders", "list", "--limit", "100", "--json").json()]
    client = hub.web.logged_in()
    first = client.get("/orders")
    assert listed_refs(first) == newest_first[:50]
    assert 'id="pager"' in first.text and 'href="/orders?page=2"' in first.text
    assert "53 orders" in first.text
    second = client.get("/orders", params={"page": "2"})
    assert listed_refs(second) == newest_first[50:]
    assert 'aria-current="page">2<' in second.text
    assert listed_refs(client.get("/orders", params={"page": "9"})) == []
    narrowed = client.get("/orders", params={"status": "new", "page": "2"})
    assert 'href="/orders?status=new&amp;page=1"' in narrowed.text  # links keep the filter


def test_the_detail_shows_timeline_both_payloads_and_no_secret(hub: Hub) -> None:
    secret = "tok_live_0123456789abcdefWXYZ"
    sku = known_skus(hub.pair)[0]
    [order_id] = hub.pair.control("houzz", "orders", {"orders": [{
        "CustomerName": "Ada Lovelace", "PaymentToken": secret,
        "Address": {"Address": "1 Analytical Way", "City": "Austin", "State": "TX",
                    "Zip": "78701", "Country": "US", "Phone": "+1 512 555 0100"},
        "OrderTotal": "10.00", "FlatShipping": "0.00", "ShippingOption": "STANDARD",
        "OrderItems": [{"Type": "Product", "SKU": sku, "Quantity": 1, "Price": "10.00",
                        "Shipping": "0.00", "Tax": "0.00"}]}]})["order_ids"]
    assert "delivered 1" in hub.sync().stdout
    cust_ref = hub.orders()[order_id]["cust_ref"]
    client = hub.web.logged_in()
    for ref in (cust_ref, order_id):  # by cust_ref or by Houzz OrderId
        page = client.get(f"/orders/{ref}")
        assert page.status_code == 200
        assert 'id="order-status">at_wms<' in page.text
    for kind in ("downloaded", "sending", "delivered"):
        assert f'data-kind="{kind}"' in page.text
    houzz = page.text.split('id="houzz-payload">')[1].split("</pre>")[0]
    assert "Ada Lovelace" in houzz and "PaymentToken" in houzz and "••••WXYZ" in houzz
    qbc = page.text.split('id="qbc-payload">')[1].split("</pre>")[0]
    assert order_id in qbc and "reference_number" in qbc
    assert sku in page.text and 'id="order-lines"' in page.text
    for secret_text in (secret, QBC_TOKEN, HOUZZ_CREDENTIALS["token"]):
        assert secret_text not in page.text
    assert hub.show(order_id)["houzz_payload"]["PaymentToken"] == "••••WXYZ"  # the CLI too


def test_shipments_show_a_tracking_link(hub: Hub) -> None:
    ups, odd = hub.place(2)
    hub.sync("download", "deliver")
    in_qbc = {o["reference_number"]: o["id"] for o in qbc_orders(hub.pair)}
    hub.pair.control("qbc", f"orders/{in_qbc[ups]}/ship",
                     {"tracking_company": "UPS", "service": "Ground",
                      "tracking_number": "1Z999AA10123456784"})
    hub.pair.control("qbc", f"orders/{in_qbc[odd]}/ship",
                     {"tracking_company": "Speedy Freight", "tracking_number": "SF-9",
                      "tracking_url": "javascript:alert(1)"})
    hub.sync("shipments")
    client = hub.web.logged_in()
    page = client.get(f"/orders/{ups}")
    assert 'id="order-packages"' in page.text
    assert 'href="https://www.ups.com/track?tracknum=1Z999AA10123456784"' in page.text
    unlinked = client.get(f"/orders/{odd}").text
    assert '<td class="tracking">SF-9</td>' in unlinked and "javascript:" not in unlinked


def test_retry_now_sends_a_waiting_order_and_cancel_refuses_while_in_flight(hub: Hub) -> None:
    [order_id] = hub.place(1)
    hub.sync("download")
    hub.pair.set_faults("qbc", error_rate=0.5, error_status=503, seed=94)  # the POSTs fail
    assert "retrying 1" in hub.sync("deliver").stdout
    hub.pair.set_faults("qbc")
    client = hub.web.logged_in()
    detail = client.get(f"/orders/{order_id}")
    assert "HTTP 503" in detail.text and "no known outcome yet" in detail.text

    refused = act(client, order_id, "cancel")
    assert refused.status_code == 303
    back = client.get(refused.headers["location"])
    assert "Not done: the order may be in QuickBooks Commerce already" in back.text
    assert 'id="order-status">new<' in back.text

    retried = act(client, order_id, "retry")
    assert retried.status_code == 303
    after = client.get(retried.headers["location"])
    assert "will go at the next deliver run instead of" in after.text
    assert "Ran deliver: " in after.text and 'id="order-status">at_wms<' in after.text
    assert [o["reference_number"] for o in qbc_orders(hub.pair)] == [order_id]
    assert 'data-kind="retry_requested"' in after.text

    again = client.get(act(client, order_id, "retry").headers["location"])
    assert "Not done: the order is at_wms; there is nothing to retry" in again.text
    cancel = client.get(act(client, order_id, "cancel").headers["location"])
    assert "Not done: the order is already in QuickBooks Commerce" in cancel.text


def test_release_and_cancel_a_held_order(hub: Hub) -> None:
    held_ids = hub.place(2, unknown_sku_rate=1.0)
    hub.sync()
    first, second = held_ids
    client = hub.web.logged_in()
    assert "is not in QuickBooks Commerce" in client.get(f"/orders/{first}").text

    released = client.get(act(client, first, "release").headers["location"])
    assert "released (was held: SKU" in released.text
    assert 'id="order-status">new<' in released.text
    assert 'data-kind="released"' in released.text
    refused = client.get(act(client, first, "release").headers["location"])
    assert "Not done: the order is new, not held; there is no hold to release" in refused.text

    canceled = client.get(act(client, second, "cancel").headers["location"])
    assert "canceled: it will never be sent to QuickBooks Commerce" in canceled.text
    assert 'id="order-status">canceled<' in canceled.text
    assert 'data-kind="canceled"' in canceled.text
    assert ("Sending canceled by hand (the web app, by merchant); never sent to QuickBooks "
            "Commerce") in canceled.text
    twice = client.get(act(client, second, "cancel").headers["location"])
    assert "Not done: the order is canceled already" in twice.text
    for sku in _unknown_skus(hub, second):
        hub.cli.invoke("alias", "add", sku, known_skus(hub.pair)[0])
    hub.sync()
    assert hub.orders()[second]["status"] == "canceled"
    assert second not in [o["reference_number"] for o in qbc_orders(hub.pair)]  # never sent


def _unknown_skus(hub: Hub, ref: str) -> list[str]:
    catalog = known_skus(hub.pair)
    return [sku for sku in _product_skus(hub.show(ref)) if sku not in catalog]


def test_unknown_orders_are_404_and_forms_need_their_token(hub: Hub) -> None:
    client = hub.web.logged_in()
    missing = client.get("/orders/NO-SUCH-ORDER")
    assert missing.status_code == 404 and "no order &#39;NO-SUCH-ORDER&#39;" in missing.text
    page = client.get("/orders")
    assert page.status_code == 200
    posted = post_form(client, "/orders", "/orders/NO-SUCH-ORDER/retry")
    assert posted.status_code == 404
    assert client.post("/orders/NO-SUCH-ORDER/cancel").status_code == 403  # no CSRF token
