"""`orderbridge audit` against the sandboxes: both accounts agree after a sync; each kind of
drift the hub can cause or meet is found, said with its fix, and repaired by `--fix` through
the normal jobs; what only a person can fix stays listed."""

from __future__ import annotations

from typing import Any

import httpx

from orderbridge.sandbox.launcher import QBC_TOKEN, SandboxPair
from tests.cli.conftest import Cli, place, qbc_orders


def kinds(document: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for item in document["discrepancies"]:
        found.setdefault(item["kind"], set()).add(item["key"])
    return found


def audit_json(cli: Cli, *args: str, expect: int = 0) -> dict[str, Any]:
    document: dict[str, Any] = cli.run("audit", "--json", *args, expect=expect).json()
    return document


def synced(cli: Cli, pair: SandboxPair, orders: int) -> list[str]:
    cli.connect(pair)
    placed = place(pair, orders)
    cli.run("sync", "--once")
    return placed


def test_a_synced_account_has_no_discrepancies_and_the_cost_is_said_first(
        cli: Cli, pair: SandboxPair) -> None:
    placed = synced(cli, pair, 4)
    calls_before = len(pair.calls("qbc"))
    result = cli.run("audit")
    assert "This audit reads about" in result.stdout
    assert result.stdout.index("This audit reads about") < result.stdout.index("read ")
    assert "No discrepancies" in result.stdout
    document = audit_json(cli, "--last")
    assert document["state"] == "done"
    assert document["checked"]["houzz_orders"] == len(placed)
    assert document["checked"]["in_qbc_once"] == len(placed)
    assert document["checked"]["listings"] > 0
    spent = len(pair.calls("qbc")) - calls_before
    assert spent == document["spent"]["qbc_calls"] > 0
    assert spent <= document["planned"]["qbc_calls"] + 1
    assert not [call for call in pair.calls("qbc")[calls_before:] if call["method"] != "GET"]


def test_each_drift_is_found_with_its_fix_and_repaired_through_the_jobs(
        cli: Cli, pair: SandboxPair) -> None:
    placed = synced(cli, pair, 5)
    by_reference = {order["reference_number"]: order for order in qbc_orders(pair)}
    shipped, canceled, copied = placed[0], placed[1], placed[2]
    pair.control("qbc", f"orders/{by_reference[shipped]['id']}/ship",
                 {"tracking_company": "UPS", "tracking_number": "1Z999AA10123456784"})
    pair.control("houzz", f"orders/{canceled}/cancel", {})
    variant = pair.control("qbc", "stock", {"sku": _a_listed_sku(pair), "stock_on_hand": 3})
    [late] = place(pair, 1)
    _copy_in_qbc(pair, by_reference[copied])

    result = cli.run("audit", expect=1)
    assert "discrepancies" in result.stdout and "orderbridge audit --last --fix" in result.stdout
    found = kinds(audit_json(cli, "--last", expect=1))
    assert found["shipment_not_confirmed"] == {shipped}
    assert found["cancel_not_voided"] == {canceled}
    assert found["listing_quantity"] == {variant["variant"]["sku"]}
    assert found["not_downloaded"] == {late}
    assert found["duplicated_in_qbc"] == {copied}

    repaired = cli.run("audit", "--last", "--fix", "--yes", expect=1)
    assert "Check again" in repaired.stdout
    after = kinds(audit_json(cli, expect=1))
    assert after == {"duplicated_in_qbc": {copied}}, after
    houzz = _houzz(pair, shipped)
    assert houzz["Status"] == "Shipped" and houzz["TrackingNumber"] == "1Z999AA10123456784"
    assert {o["reference_number"] for o in qbc_orders(pair) if o["status"] == "void"} == {
        canceled}


def test_a_bad_since_is_refused_with_the_format(cli: Cli) -> None:
    result = cli.run("audit", "--since", "yesterday", expect=1)
    assert "YYYY-MM-DD" in result.stderr and "Traceback" not in result.output
    result = cli.run("audit", "--since", "2999-01-01", expect=1)
    assert "future" in result.stderr


def test_without_a_connection_it_says_how_to_connect(cli: Cli) -> None:
    result = cli.run("audit", expect=1)
    assert "orderbridge connect" in result.stderr and "Traceback" not in result.output


def _a_listed_sku(pair: SandboxPair) -> str:
    listings = pair._control.get(f"{pair.houzz_url}/_sandbox/listings").json()["listings"]
    return str(listings[0]["SKU"])


def _houzz(pair: SandboxPair, order_id: str) -> dict[str, Any]:
    response = pair._control.get(f"{pair.houzz_url}/_sandbox/orders/{order_id}")
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    order: dict[str, Any] = document.get("order", document)
    return order


def _copy_in_qbc(pair: SandboxPair, order: dict[str, Any]) -> None:
    """Someone keys the same order into QBC again by hand (same reference)."""
    detail = pair._control.get(f"{pair.qbc_url}/_sandbox/orders/{order['id']}").json()
    detail = detail.get("order", detail)
    lines = [{"variant_id": line["variant_id"], "quantity": line["quantity"]}
             for line in detail["order_line_items"] if line["variant_id"] is not None]
    response = httpx.post(f"{pair.qbc_url}/orders", headers={
        "Authorization": f"Bearer {QBC_TOKEN}"}, json={"order": {
            "company_id": detail["company_id"], "shipping_address_id":
            detail["shipping_address_id"], "billing_address_id": detail["billing_address_id"],
            "reference_number": order["reference_number"], "order_line_items": lines,
            "issued_at": detail["issued_at"]}},
        trust_env=False)
    assert response.status_code == 201, response.text
