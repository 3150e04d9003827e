"""The inventory screen shows what `orderbridge inventory report` prints, after real inventory
cycles against the sandboxes."""

from __future__ import annotations

import re
from typing import Any

import httpx

from orderbridge.sandbox.catalog import build_catalog
from orderbridge.sandbox.launcher import SandboxPair
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import SEED, SEED_SKUS
from tests.web.conftest import Web
from tests.web.jobs_flow import connected

SKUS = [item.sku for item in build_catalog(SEED_SKUS, SEED)]
CELL = r'<td class="[^"]*{}[^"]*">(.*?)</td>'

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair
"""The sandbox fixtures of the CLI tests, used here as they are."""


def page_rows(page: httpx.Response) -> dict[str, dict[str, Any]]:
    """The stock table, per Houzz SKU: the figures as the page shows them."""
    rows = {}
    for sku, body in re.findall(r'<tr class="stock-row" data-sku="([^"]+)">(.*?)</tr>',
                                page.text, re.S):
        def cell(name: str, text: str = body) -> str:
            found = re.search(CELL.format(name), text, re.S)
            assert found is not None, (name, text)
            return re.sub(r"<[^>]+>", "", found.group(1)).strip()
        pushed = re.search(r'<span class="last-pushed">(\d+)</span>', body)
        rows[sku] = {"qbc_sku": cell("qbc-sku") or None, "on_hand": cell("on-hand") or None,
                     "committed": cell("committed") or None,
                     "computed": int(cell("computed").split()[0]) if cell("computed")
                     else None, "last_pushed": int(pushed.group(1)) if pushed else None,
                     "problems": cell("problems")}
    return rows


def expected(document: dict[str, Any]) -> dict[str, Any]:
    keys = ("qbc_sku", "on_hand", "committed", "computed", "last_pushed")
    return {**{key: document[key] for key in keys}, "problems": "; ".join(document["problems"])}


def test_the_inventory_page_matches_the_report(web: Web, pair: SandboxPair) -> None:
    pair.control("houzz", "seed", {"skus": SEED_SKUS + 2, "seed": SEED})  # 2 Houzz-only
    cli = connected(web, pair)
    cli.invoke("config", "set", "inventory_buffer", "1")
    cli.invoke("sync", "--once", "--job", "inventory", "--full")
    pair.control("qbc", "stock", {"sku": SKUS[0], "stock_on_hand": 9})  # not pushed yet
    report = {row["houzz_sku"]: row for row in cli.invoke("inventory", "report", "--json").json()}

    client = web.logged_in()
    page = client.get("/inventory")
    assert page.status_code == 200
    shown = page_rows(page)
    assert len(shown) == SEED_SKUS + 2
    assert shown == {sku: expected(row) for sku, row in report.items()}
    totals = re.search(r'id="inventory-totals"><strong>(\d+)</strong> SKUs · <strong>(\d+)'
                       r'</strong> to push at the next cycle · <strong>(\d+)</strong>',
                       page.text)
    assert totals is not None and totals.groups() == (str(SEED_SKUS + 2), "0", "2")

    cli.invoke("sync", "--once", "--job", "inventory")  # reads the new figure: 9 - 1 to push
    after = page_rows(client.get("/inventory", params={"sku": SKUS[0].lower()[2:]}))
    assert SKUS[0] in after and after[SKUS[0]]["on_hand"] == "9"
    assert after[SKUS[0]]["computed"] == 8 and after[SKUS[0]]["last_pushed"] == 8

    flagged = page_rows(client.get("/inventory", params={"problems": "true"}))
    assert sorted(flagged) == sorted(set(report) - set(SKUS))
    assert all("no QBC variant backs it" in row["problems"] for row in flagged.values())
    none = client.get("/inventory", params={"sku": "no-such-sku"})
    assert page_rows(none) == {} and 'id="no-stock"' in none.text


def test_the_inventory_page_is_paged(web: Web, pair: SandboxPair) -> None:
    pair.control("houzz", "seed", {"skus": 60, "seed": SEED})
    pair.control("qbc", "seed", {"skus": 60, "seed": SEED})
    cli = connected(web, pair)
    cli.invoke("sync", "--once", "--job", "inventory")
    client = web.logged_in()
    first = client.get("/inventory")
    second = client.get("/inventory", params={"page": 2})
    assert len(page_rows(first)) == 50 and len(page_rows(second)) == 10
    assert not set(page_rows(first)) & set(page_rows(second))
    assert "Page 1 of 2 · 60 SKUs" in first.text and 'id="page-next"' in first.text
    assert client.get("/inventory", params={"page": "0"}).status_code == 400


def test_before_any_inventory_cycle_the_page_says_what_to_run(web: Web,
                                                              pair: SandboxPair) -> None:
    connected(web, pair)
    page = web.logged_in().get("/inventory")
    assert page.status_code == 200
    assert "orderbridge sync --once --job inventory" in page.text
    assert 'id="inventory-not-ready"' in page.text
