"""The alias CSV reader and writer shared by `alias import` and the mappings screen."""

from __future__ import annotations

import pytest

from orderbridge.workflows.alias_csv import AliasFileError, alias_csv, parse_alias_csv


def test_what_is_written_reads_back_the_same() -> None:
    aliases = {"HZ,1": 'QBC "1"', "HZ-2": "QBC-2", "sku": "header-looking"}
    assert dict(parse_alias_csv(alias_csv(aliases).encode(), "x.csv")) == aliases


def test_the_header_the_bom_and_blank_lines_are_skipped() -> None:
    data = "\ufeffSKU,warehouse\n\nHZ-1 , QBC-1,\n".encode()
    assert parse_alias_csv(data, "f.csv") == [("HZ-1", "QBC-1")]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "f.csv holds no aliases"),
    (b"A,B\nC,D,E\n", "f.csv line 2: expected channel_sku,warehouse_sku, got 'C,D,E'"),
    (b'A,B\n"C,D\n', "f.csv line 2: unexpected end of data (a quote opened and never closed)"),
])
def test_a_bad_file_names_its_line(data: bytes, message: str) -> None:
    with pytest.raises(AliasFileError, match="^" + message.replace("(", r"\(").replace(
            ")", r"\)")):
        parse_alias_csv(data, "f.csv")


def test_a_huge_cell_is_named_as_one_not_as_a_quoting_slip() -> None:
    # found by the fuzz campaign: a 200 kB line was blamed on a doubled quote
    with pytest.raises(AliasFileError) as refused:
        parse_alias_csv(b"HZ-1,QBC-1\nHZ-2," + b"Q" * 200_000 + b"\n", "f.csv")
    assert str(refused.value) == (
        "f.csv line 2: field larger than field limit (131072) (a cell is longer than any SKU: "
        "is it a CSV file of aliases?); nothing was imported")
