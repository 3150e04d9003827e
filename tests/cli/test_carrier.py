"""`orderbridge carrier ...`: the carrier map a merchant completes once, and what it releases."""

from __future__ import annotations

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli.conftest import Cli, place


def test_carrier_map_list_remove(cli: Cli) -> None:
    assert "Speedy Freight → Other" in cli.invoke("carrier", "map", "Speedy Freight",
                                                  "other").stdout
    cli.invoke("carrier", "map", "SPEEDY-freight", "DHL")  # the same carrier, normalised
    assert cli.invoke("carrier", "list", "--json").json() == [
        {"qbc_carrier": "SPEEDY-freight", "houzz_code": "DHL", "source": "merchant"}]
    odd = cli.invoke("carrier", "map", "Royal Mail", "RoyalMail")
    assert "not one of the Houzz carrier codes" in odd.stdout
    listed = cli.invoke("carrier", "list", "--built-in", "--json").json()
    assert {"qbc_carrier": "Fed Ex", "houzz_code": "FedEx", "source": "built-in"} not in listed
    assert {"qbc_carrier": "Federal Express", "houzz_code": "FedEx",
            "source": "built-in"} in listed
    assert "Royal Mail" in cli.invoke("carrier", "list").stdout
    cli.invoke("carrier", "remove", "royal mail")
    assert [e["qbc_carrier"] for e in cli.invoke("carrier", "list", "--json").json()] == [
        "SPEEDY-freight"]
    gone = cli.invoke("carrier", "remove", "Royal Mail", expect=1)
    assert "'Royal Mail' is not in the carrier map" in gone.stderr
    blank = cli.invoke("carrier", "map", "...", "UPS", expect=1)
    assert "at least one letter or digit" in blank.stderr


def test_mapping_a_carrier_releases_the_held_order(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    [houzz_id] = place(pair, 1)
    cli.invoke("sync", "--once")
    [order] = cli.invoke("orders", "list", "--json").json()
    assert order["status"] == "at_wms"
    pair.control("qbc", f"orders/{order['qbc_order_id']}/ship",
                 {"tracking_company": "Speedy Freight", "tracking_number": "SF-123",
                  "service": "Two Day"})
    cli.invoke("sync", "--once")
    [held] = cli.invoke("orders", "list", "--json").json()
    assert held["status"] == "held" and held["hold_reason_code"] == "unmapped_carrier"
    assert 'orderbridge carrier map "Speedy Freight" CODE' in held["hold_reason"]

    cli.invoke("carrier", "map", "Speedy Freight", "Other")
    cli.invoke("sync", "--once")
    [done] = cli.invoke("orders", "list", "--json").json()
    assert done["status"] == "confirmed"
    houzz = pair._control.get(f"{pair.houzz_url}/_sandbox/orders/{houzz_id}").json()
    assert (houzz["Status"], houzz["ShippingMethod"], houzz["TrackingNumber"]) == (
        "Shipped", "Other", "SF-123")
    shown = cli.invoke("orders", "show", done["cust_ref"]).stdout
    assert "Packages (QBC fulfillments)" in shown and "SF-123" in shown
    assert "Confirmed to Houzz with Other SF-123" in shown
    document = cli.invoke("orders", "show", done["cust_ref"], "--json").json()
    [package] = document["packages"]
    assert (package["carrier"], package["service"]) == ("Speedy Freight", "Two Day")
    assert document["order"]["shipments"][0]["tracking_no"] == "SF-123"
