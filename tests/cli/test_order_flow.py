"""A merchant's day, through the real command: sync, look at orders, fix a held one, sync again."""

from __future__ import annotations

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli.conftest import Cli, known_skus, place, qbc_orders, qbc_posts


def test_sync_delivers_and_an_unknown_sku_is_fixed_with_an_alias(cli: Cli,
                                                                 pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    good = place(pair, 4)
    [stuck] = place(pair, 1, unknown_sku_rate=1.0)

    first = cli.run("sync", "--once")
    assert "new 5" in first.stdout and "delivered 4, held 1" in first.stdout

    listed = {o["houzz_order_id"]: o for o in cli.run("orders", "list", "--json").json()}
    assert sorted(listed) == sorted([*good, stuck])
    assert {listed[i]["status"] for i in good} == {"at_wms"}
    assert all(listed[i]["qbc_order_id"] for i in good)
    assert listed[stuck]["status"] == "held"
    assert listed[stuck]["hold_reason_code"] == "unknown_sku"
    in_qbc = {o["reference_number"]: o for o in qbc_orders(pair)}
    assert sorted(in_qbc) == sorted(good)
    assert {str(in_qbc[i]["id"]) for i in good} == {listed[i]["qbc_order_id"] for i in good}

    cust_ref = listed[stuck]["cust_ref"]
    shown = cli.run("orders", "show", cust_ref)
    assert "Timeline" in shown.stdout and "downloaded" in shown.stdout
    assert "is not in QuickBooks Commerce" in shown.stdout and "(not in QBC)" in shown.stdout
    detail = cli.invoke("orders", "show", stuck, "--json").json()  # by Houzz OrderId too
    assert [e["kind"] for e in detail["timeline"]] == ["downloaded", "held"]
    catalog = known_skus(pair)
    unknown = [line["item"] for line in detail["order"]["items"]
               if line["line_type"] == "product" and line["item"] not in catalog]
    assert unknown
    for sku in unknown:
        cli.invoke("alias", "add", sku, catalog[0])

    second = cli.invoke("sync", "--once")
    assert "released 1" in second.stdout and "delivered 1" in second.stdout
    after = cli.invoke("orders", "show", cust_ref, "--json").json()
    assert after["status"] == "at_wms"
    assert [e["kind"] for e in after["timeline"]][-3:] == ["released", "sending", "delivered"]
    assert sorted(o["reference_number"] for o in qbc_orders(pair)) == sorted([*good, stuck])
    assert len(qbc_posts(pair)) == 5  # one POST per order, nothing twice

    third = cli.invoke("sync", "--once")
    assert "nothing to do" in third.stdout
    assert len(qbc_posts(pair)) == 5


def test_orders_list_filters_and_unknown_refs_fail_cleanly(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    place(pair, 2)
    place(pair, 1, unknown_sku_rate=1.0)
    cli.invoke("sync", "--once")
    held = cli.invoke("orders", "list", "--status", "held", "--json").json()
    assert [o["status"] for o in held] == ["held"]
    assert len(cli.invoke("orders", "list", "--limit", "2", "--json").json()) == 2
    table = cli.invoke("orders", "list").stdout
    assert held[0]["cust_ref"] in table and "at_wms" in table
    bad_status = cli.invoke("orders", "list", "--status", "lost", expect=1)
    assert "unknown status 'lost'" in bad_status.stderr
    missing = cli.run("orders", "show", "NO-SUCH-ORDER", expect=1)
    assert "no order 'NO-SUCH-ORDER'" in missing.stderr
    assert "Traceback" not in missing.stderr
    cli.invoke("orders", "retry", "NO-SUCH-ORDER", expect=1)
