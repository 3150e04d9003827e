"""Aliases as CSV (``channel_sku,warehouse_sku`` per line, header optional, UTF-8): read all of
a file or, if any line is wrong, none of it, the error naming the line; and written back in the
same shape, so an export imports again unchanged. `orderbridge alias import` and the mappings
screen's upload share the reader, so a file is judged the same way wherever it comes in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from orderbridge.errors import UsageError
from orderbridge.store import mappings

HEADER = ("channel_sku", "warehouse_sku")
_HEADER_NAMES = {"channel_sku", "houzz_sku", "sku"}


class AliasFileError(UsageError):
    """A file that cannot be imported; the message names the line and says nothing was."""


def parse_alias_csv(data: bytes, source: str) -> list[tuple[str, str]]:
    """The (channel_sku, warehouse_sku) pairs of ``data``, each checked as `alias add` checks
    it; an `AliasFileError` naming ``source`` and the first bad line, before anything is
    imported."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise AliasFileError(f"{source} line {line}: not UTF-8 text (byte "
                             f"0x{data[exc.start]:02x}); save the file as UTF-8 (in Excel: "
                             "CSV UTF-8); nothing was imported") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    pairs: list[tuple[str, str]] = []
    line = 0
    try:
        for cells in reader:
            first, line = line + 1, reader.line_num
            pair = _alias_line(source, first, [cell.strip() for cell in cells])
            if pair is not None:
                pairs.append(pair)
    except csv.Error as exc:
        hint = ("a quote opened and never closed" if "end of data" in str(exc) else
                "a cell is longer than any SKU: is it a CSV file of aliases?"
                if "field limit" in str(exc) else
                'a quote inside a quoted SKU is written twice: ""')
        raise AliasFileError(f"{source} line {line + 1}: {exc} ({hint}); nothing was "
                             "imported") from None
    if not pairs:
        raise AliasFileError(f"{source} holds no aliases (one channel_sku,warehouse_sku per "
                             "line)")
    return pairs


def _alias_line(source: str, line: int, cells: list[str]) -> tuple[str, str] | None:
    """The pair on one line; None for a blank line or the header."""
    while cells and not cells[-1]:
        cells.pop()
    if not cells or (line == 1 and cells[0].lower() in _HEADER_NAMES):
        return None
    if len(cells) != 2 or not all(cells):
        shown = ",".join(cells)
        raise AliasFileError(f"{source} line {line}: expected channel_sku,warehouse_sku, got "
                             f"{shown[:80]!r}; nothing was imported")
    try:
        return mappings.clean_alias(cells[0], cells[1])
    except ValueError as exc:
        raise AliasFileError(f"{source} line {line}: {exc}; nothing was imported") from None


def alias_csv(aliases: Mapping[str, str]) -> str:
    """The aliases as a CSV file with its header (quoted where a SKU needs it)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(aliases.items())
    return out.getvalue()
