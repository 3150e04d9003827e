"""`orderbridge alias ...` and `orderbridge shipmethod ...`: mappings a merchant sets once."""

from __future__ import annotations

from pathlib import Path

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli.conftest import Cli, place, qbc_orders


def test_alias_import_all_or_nothing(cli: Cli, tmp_path: Path) -> None:
    good = tmp_path / "aliases.csv"
    good.write_text("channel_sku,warehouse_sku\nHZ-1, QBC-1\n\nHZ-2,QBC-2\nHZ-1,QBC-1B\n",
                    encoding="utf-8")
    imported = cli.invoke("alias", "import", str(good))
    assert "Imported 3 aliases" in imported.stdout and "2 new" in imported.stdout
    listed = cli.invoke("alias", "list", "--json").json()
    assert listed == [{"channel_sku": "HZ-1", "warehouse_sku": "QBC-1B"},
                      {"channel_sku": "HZ-2", "warehouse_sku": "QBC-2"}]

    bad = tmp_path / "bad.csv"
    bad.write_text("HZ-3,QBC-3\nHZ-4\nHZ-5,QBC-5\n", encoding="utf-8")
    refused = cli.invoke("alias", "import", str(bad), expect=1)
    assert f"{bad} line 2: expected channel_sku,warehouse_sku" in refused.stderr
    assert "nothing was imported" in refused.stderr
    assert len(cli.invoke("alias", "list", "--json").json()) == 2  # HZ-3 not imported

    cli.invoke("alias", "import", str(tmp_path / "missing.csv"), expect=1)
    cli.invoke("alias", "remove", "HZ-2")
    assert "HZ-2" not in cli.invoke("alias", "list").stdout
    gone = cli.invoke("alias", "remove", "HZ-2", expect=1)
    assert "there is no alias for 'HZ-2'" in gone.stderr


def test_shipmethod_map_releases_held_orders(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    cli.invoke("config", "set", "hold_unmapped_ship_codes", "true")
    [order_id] = place(pair, 1)
    first = cli.invoke("sync", "--once")
    assert "held 1" in first.stdout
    [held] = cli.invoke("orders", "list", "--json").json()
    assert held["hold_reason_code"] == "unmapped_ship_code"
    code = held["hold_reason"].split("Houzz shipping code ")[1].split()[0]

    cli.invoke("shipmethod", "map", code, "UPS Ground")
    assert cli.invoke("shipmethod", "list", "--json").json() == [
        {"houzz_code": code, "value": "UPS Ground"}]
    assert "UPS Ground" in cli.invoke("shipmethod", "list").stdout
    second = cli.invoke("sync", "--once")
    assert "released 1" in second.stdout and "delivered 1" in second.stdout
    [in_qbc] = qbc_orders(pair)
    assert in_qbc["reference_number"] == order_id
    assert "UPS Ground" in in_qbc["notes"]

    cli.invoke("shipmethod", "remove", code)
    assert cli.invoke("shipmethod", "list", "--json").json() == []
    cli.invoke("shipmethod", "remove", code, expect=1)
