"""The alerts screen against the real jobs and sandboxes: an order held for an unknown SKU is
fixed by adding an alias in place, released at once, delivered by the next sync; the fix and
the count of orders it released show in the resolved list. Carriers and other holds too."""

from __future__ import annotations

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import known_skus, place, qbc_orders
from tests.web.conftest import Web, post_form
from tests.web.flow import field_errors, flashes, groups, resolved_rows
from tests.web.jobs_flow import connected

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair


def test_an_unknown_sku_is_fixed_from_the_alerts_page(web: Web, pair: SandboxPair) -> None:
    cli = connected(web, pair)
    [good] = place(pair, 1)
    [stuck] = place(pair, 1, unknown_sku_rate=1.0)
    assert "delivered 1, held 1" in cli.invoke("sync", "--once").stdout
    client = web.logged_in()

    page = client.get("/alerts")
    assert page.status_code == 200
    unknown = [key for fix, key in groups(page) if fix == "alias"]
    assert unknown and all(f"SKU {sku} is not in QuickBooks Commerce" in page.text
                           for sku in unknown)
    [detail] = [o for o in cli.invoke("orders", "list", "--json").json()
                if o["houzz_order_id"] == stuck]
    assert detail["cust_ref"] in page.text

    refused = post_form(client, "/alerts", "/alerts/alias", channel_sku=unknown[0],
                        warehouse_sku="QBC\x00SKU")
    assert refused.status_code == 400
    assert any("control character U+0000" in error for error in field_errors(refused))
    assert groups(refused) == groups(page)  # nothing changed

    catalog = known_skus(pair)
    for number, sku in enumerate(unknown, start=1):
        answer = post_form(client, "/alerts", "/alerts/alias", channel_sku=sku,
                           warehouse_sku=catalog[0])
        assert answer.status_code == 303
        after = client.get(answer.headers["location"])
        released = 1 if number == len(unknown) else 0
        assert f"Alias {sku} → {catalog[0]} released {released} order" in flashes(after)[0]
    assert groups(after) == [] and 'id="no-held-orders"' in after.text
    assert resolved_rows(after)[0] == f"Alias {unknown[-1]} → {catalog[0]} released 1 order"
    [now] = [o for o in cli.invoke("orders", "list", "--json").json()
             if o["houzz_order_id"] == stuck]
    assert now["status"] == "new"

    second = cli.invoke("sync", "--once")
    assert "delivered 1" in second.stdout
    assert sorted(o["reference_number"] for o in qbc_orders(pair)) == sorted([good, stuck])
    shown = cli.invoke("orders", "show", stuck, "--json").json()
    assert [e["kind"] for e in shown["timeline"]][-3:] == ["released", "sending", "delivered"]
    assert "released 1 order" in shown["timeline"][-3]["message"]
    assert "released 1 order" in client.get("/alerts").text


def test_a_carrier_is_mapped_and_another_hold_released(web: Web, pair: SandboxPair) -> None:
    cli = connected(web, pair)
    place(pair, 2)
    cli.invoke("sync", "--once")
    first, second = cli.invoke("orders", "list", "--json").json()
    pair.control("qbc", f"orders/{first['qbc_order_id']}/ship",
                 {"tracking_company": "Speedy Freight", "tracking_number": "SF-1"})
    pair.control("qbc", f"orders/{second['qbc_order_id']}/ship",
                 {"tracking_company": "", "tracking_number": "NC-2"})
    cli.invoke("sync", "--once")
    client = web.logged_in()
    page = client.get("/alerts")
    assert sorted(fix for fix, _ in groups(page)) == ["carrier", "release"]
    assert ("carrier", "Speedy Freight") in groups(page)
    assert "Carrier &#39;Speedy Freight&#39; has no Houzz carrier code" in page.text

    answer = post_form(client, "/alerts", "/alerts/carrier", name="Speedy Freight",
                       code="other")
    after = client.get(answer.headers["location"])
    assert "Carrier Speedy Freight → Other released 1 order." in flashes(after)[0]
    assert [fix for fix, _ in groups(after)] == ["release"]

    ref = second["cust_ref"]
    released = post_form(client, "/alerts", "/alerts/release", ref=ref)
    assert released.status_code == 303
    final = client.get("/alerts")
    assert groups(final) == []
    rows = resolved_rows(final)
    assert rows[0] == f"Release of {ref} by hand released 1 order"
    assert "Carrier Speedy Freight → Other released 1 order" in rows
    # the alerts the shipments job raised for both holds are resolved with them
    assert any(row.startswith(f"{ref}: QuickBooks Commerce shipped the order without a "
                              "carrier name") for row in rows)
    assert any(row.startswith(f"{first['cust_ref']}: carrier 'Speedy Freight'") for row in rows)
    assert "Other open alerts" in final.text and 'id="open-alerts"' not in final.text
    again = post_form(client, "/alerts", "/alerts/release", ref=ref)
    assert again.status_code == 400 and "not held" in again.text

    cli.invoke("sync", "--once")
    statuses = {o["cust_ref"]: o["status"] for o in cli.invoke("orders", "list",
                                                                 "--json").json()}
    assert statuses[first["cust_ref"]] == "confirmed"


def test_an_unmapped_shipping_code_is_mapped_in_place(web: Web, pair: SandboxPair) -> None:
    cli = connected(web, pair)
    cli.invoke("config", "set", "hold_unmapped_ship_codes", "true")
    [order_id] = place(pair, 1)
    cli.invoke("sync", "--once")
    client = web.logged_in()
    [(fix, code)] = groups(client.get("/alerts"))
    assert fix == "ship_code"
    too_long = post_form(client, "/alerts", "/alerts/ship-code", code=code, value="U" * 300)
    assert too_long.status_code == 400
    assert any("300 characters long; at most 255 fit" in e for e in field_errors(too_long))
    answer = post_form(client, "/alerts", "/alerts/ship-code", code=code, value="UPS Ground")
    after = client.get(answer.headers["location"])
    assert f"Shipping code {code} → UPS Ground released 1 order." in flashes(after)[0]
    assert "delivered 1" in cli.invoke("sync", "--once").stdout
    [in_qbc] = qbc_orders(pair)
    assert in_qbc["reference_number"] == order_id and "UPS Ground" in in_qbc["notes"]


def test_the_alerts_page_without_an_integration(web: Web) -> None:
    client = web.logged_in()
    assert "No integration yet" in client.get("/alerts").text
    refused = post_form(client, "/alerts", "/alerts/alias", channel_sku="A", warehouse_sku="B")
    assert refused.status_code == 404 and "There is no integration yet" in refused.text
