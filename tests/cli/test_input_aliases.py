"""`alias import` of a broken file names the line and imports nothing; `alias add` refuses
SKUs the database column cannot hold (too long, control characters) in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderbridge.store.tables import SkuAlias
from tests.cli.conftest import Cli

SKU_LIMIT = SkuAlias.channel_sku.type.length
GOOD = b"channel_sku,warehouse_sku\nHZ-1,QBC-1\nHZ-2,QBC-2\n"


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


@pytest.mark.parametrize(("content", "message"), [
    (GOOD + b'HZ-3,"QBC-3\nHZ-4,QBC-4\n',
     "line 4: unexpected end of data (a quote opened and never closed); nothing was imported"),
    (GOOD + b'HZ-3,"QBC"-3\n', "line 4: ',' expected after '\"' (a quote inside a quoted SKU is "
                               'written twice: ""); nothing was imported'),
    (GOOD + b"HZ-\x003,QBC-3\n", "line 4: the channel SKU 'HZ-\\x003' holds the control "
                                  "character U+0000; codes are one line of printable text; "
                                  "nothing was imported"),
    (GOOD + b'"HZ\n3",QBC-3\n', "line 4: the channel SKU 'HZ\\n3' holds the control character "
                                 "U+000A"),
    (GOOD + b"HZ-3,Sof\xe1\n", "line 4: not UTF-8 text (byte 0xe1); save the file as UTF-8 "
                               "(in Excel: CSV UTF-8); nothing was imported"),
    (GOOD + b"HZ-3\n", "line 4: expected channel_sku,warehouse_sku, got 'HZ-3'; nothing was "
                       "imported"),
    (GOOD + b"HZ-3,,\n", "line 4: expected channel_sku,warehouse_sku, got 'HZ-3'"),
    (GOOD + b"HZ-3," + b"Q" * (SKU_LIMIT + 1) + b"\n",
     f"line 4: the warehouse SKU 'QQQQQQQQQQQQQQQQQQQQ'... is {SKU_LIMIT + 1} characters long; "
     f"at most {SKU_LIMIT} fit; nothing was imported"),
])
def test_a_broken_file_names_its_line_and_imports_nothing(cli: Cli, tmp_path: Path,
                                                           content: bytes, message: str) -> None:
    cli.invoke("alias", "add", "HZ-0", "QBC-0")
    path = tmp_path / "aliases.csv"
    path.write_bytes(content)
    refused = cli.invoke("alias", "import", str(path), expect=1)
    assert one_line(refused.stderr).startswith(f"Error: {path} {message}")
    assert cli.invoke("alias", "list", "--json").json() == [
        {"channel_sku": "HZ-0", "warehouse_sku": "QBC-0"}]  # HZ-1 and HZ-2 not imported


def test_a_file_that_cannot_be_read_is_one_line(cli: Cli, tmp_path: Path) -> None:
    missing = cli.run("alias", "import", str(tmp_path / "nope.csv"), expect=1)
    assert one_line(missing.stderr).endswith("nope.csv: No such file or directory")
    folder = cli.invoke("alias", "import", str(tmp_path), expect=1)
    assert one_line(folder.stderr).startswith(f"Error: cannot read {tmp_path}: ")


def test_a_long_file_with_a_bad_last_line_imports_nothing(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    lines = [f"HZ-{n},QBC-{n}" for n in range(2000)]
    path.write_text("\n".join([*lines, "HZ-X,QBC-\u2028X"]) + "\n", encoding="utf-8")
    refused = cli.invoke("alias", "import", str(path), expect=1)
    assert "line 2001: the warehouse SKU 'QBC-\\u2028X' holds the control character U+2028" in (
        one_line(refused.stderr))
    assert cli.invoke("integrations", "--json").json() == []  # not even 'default' made


@pytest.mark.parametrize(("channel", "warehouse", "message"), [
    ("H" * (SKU_LIMIT + 1), "QBC-1", f"Error: the channel SKU 'HHHHHHHHHHHHHHHHHHHH'... is "
     f"{SKU_LIMIT + 1} characters long; at most {SKU_LIMIT} fit"),
    ("HZ-1", "QBC\x001", "Error: the warehouse SKU 'QBC\\x001' holds the control character "
                         "U+0000; codes are one line of printable text"),
    ("HZ\t1", "QBC-1", "Error: the channel SKU 'HZ\\t1' holds the control character U+0009"),
    ("  ", "QBC-1", "Error: the channel SKU must not be blank"),
])
def test_alias_add_refuses_what_the_column_cannot_hold(cli: Cli, channel: str, warehouse: str,
                                                       message: str) -> None:
    refused = cli.invoke("alias", "add", channel, warehouse, expect=1)
    assert one_line(refused.stderr).startswith(message)
    assert not cli.home.exists() or cli.invoke("alias", "list", "--json").json() == []


def test_a_sku_as_long_as_the_column_is_fine(cli: Cli) -> None:
    cli.invoke("alias", "add", "H" * SKU_LIMIT, "Q" * SKU_LIMIT)
    assert cli.invoke("alias", "list", "--json").json() == [
        {"channel_sku": "H" * SKU_LIMIT, "warehouse_sku": "Q" * SKU_LIMIT}]
