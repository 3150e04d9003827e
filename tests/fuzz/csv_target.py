"""Alias CSV files through the real `orderbridge alias import`: sound files (header or not,
a BOM, CRLF, quoted cells, blank lines), the same damaged, re-encoded (Latin-1, UTF-16),
with a huge line, or random bytes.

A file is imported whole, or refused whole with a message naming the line (or saying it holds
no aliases): after a refusal the aliases are as they were; after an import every pair of a
sound file is there, the last one of a SKU winning.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from tests.fuzz.cli_targets import Cli, judge, private_cli
from tests.fuzz.mangling import Body, mangled, mostly
from tests.fuzz.running import run_cases
from tests.fuzz.tally import FuzzTally

sku = st.text(st.sampled_from("ABCXYZ0123456789-_./ éñ"), min_size=1, max_size=12).map(
    str.strip).filter(bool)
_files = itertools.count()


@dataclass(frozen=True)
class CsvFile:
    body: Body
    pairs: tuple[tuple[str, str], ...]
    """The pairs of the file as written (meaningful when the body is intact)."""


@st.composite
def _sound(draw: st.DrawFn) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    pairs = tuple(draw(st.lists(st.tuples(sku, sku), min_size=1, max_size=6)))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
                        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    if draw(st.booleans()):
        writer.writerow(draw(st.sampled_from([("channel_sku", "warehouse_sku"),
                                              ("houzz_sku", "qbc_sku"), ("SKU", "QBC")])))
    for pair in pairs:
        writer.writerow(pair)
        if draw(st.integers(0, 5)) == 0:
            out.write("\n")  # a blank line
    text = out.getvalue()
    encoding = draw(mostly(st.just("utf-8"), st.sampled_from(["utf-8-sig", "latin-1",
                                                              "utf-16", "cp1252"]), in_ten=7))
    data = text.encode(encoding, errors="replace")
    kept = pairs if encoding in ("utf-8", "utf-8-sig") or text.isascii() else ()
    return data, kept


@st.composite
def csv_files(draw: st.DrawFn) -> CsvFile:
    kind = draw(mostly(st.just("sound"), st.sampled_from(["huge", "text"]), in_ten=8))
    if kind == "huge":
        return CsvFile(Body(b"HZ-1,QBC-1\n" + b"HZ-2," + b"Q" * draw(
            st.sampled_from([200_000, 2_000_000])) + b"\n", "huge"), ())
    if kind == "text":
        text = draw(st.text(st.sampled_from(',"\n\r\t ;ABC\x00é'), max_size=60))
        return CsvFile(Body(text.encode(), "text"), ())
    data, pairs = draw(_sound())
    body = draw(mangled(st.just(data)))
    return CsvFile(body, pairs if body.intact else ())


SEEDS = [CsvFile(Body(b"channel_sku,warehouse_sku\nHZ-1,QBC-1\n", "intact"), (("HZ-1", "QBC-1"),)),
         CsvFile(Body(b"HZ-1,QBC-1,extra\n", "intact"), ())]


def csv_imports(examples: int) -> FuzzTally:
    with private_cli() as cli:
        folder = cli.home.parent / "csv"
        folder.mkdir()
        known: dict[str, str] = {}
        return run_cases("CSV alias imports", csv_files(), examples,
                         lambda file, tally: _import(cli, folder, known, file, tally), SEEDS)


def _import(cli: Cli, folder: Path, known: dict[str, str], file: CsvFile,
            tally: FuzzTally) -> None:
    path = folder / f"aliases-{next(_files)}.csv"
    path.write_bytes(file.body.data)
    ran = cli.run(["alias", "import", str(path)])
    if ran.code != 0 and ran.exception is None and not _names_the_line(ran.output):
        tally.crash(f"refused without naming the line: {ran.output[-300:]}", file)
        return
    accepted = judge(ran, tally, file)
    after = _aliases(cli)
    if not accepted and after != known:
        tally.crash(f"a refused file changed the aliases: {len(known)} → {len(after)}", file)
    if accepted:
        wanted = dict(file.pairs)
        missing = [channel for channel, warehouse in wanted.items()
                   if after.get(channel) != warehouse]
        tally.lose(len(missing), f"pairs not imported: {missing[:3]}", file)
    known.clear()
    known.update(after)


def _names_the_line(output: str) -> bool:
    flat = " ".join(output.split())
    return " line " in flat or "holds no aliases" in flat or "larger than" in flat


def _aliases(cli: Cli) -> dict[str, str]:
    listed = cli.run(["alias", "list", "--json"])
    if listed.code != 0:  # no integration yet: nothing was ever imported
        return {}
    return {row["channel_sku"]: row["warehouse_sku"] for row in json.loads(listed.output)}
