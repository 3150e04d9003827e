"""What the process is given around the commands: a database URL orderbridge cannot use, a home
it cannot write, a key file that was deleted. Each is one line saying what to do, through the
real CLI in a subprocess, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from tests.cli.conftest import Cli, Result, place, qbc_orders


def one_error_line(result: Result) -> str:
    assert "Traceback" not in result.output, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://root:hunter2@127.0.0.1/shop",
     "Error: orderbridge cannot use the database URL mysql://root:***@127.0.0.1/shop (mysql); it "
     "stores its data in SQLite"),
    ("postgresql+asyncpg://u@127.0.0.1/x", "(postgresql+asyncpg); it stores its data in SQLite"),
    ("not a url at all", "Error: the database URL is not a URL orderbridge can read; it stores "
                         "its data in SQLite"),
])
def test_an_unsupported_database_url_is_one_line(cli: Cli, url: str, message: str) -> None:
    result = cli.run("config", "show", env={"ORDERBRIDGE_DATABASE_URL": url}, expect=1)
    line = one_error_line(result)
    assert line.startswith("Error: ") and message in line, line
    assert "ORDERBRIDGE_DATABASE_URL" in line and "hunter2" not in line


def test_a_home_that_is_a_file_is_one_line(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    result = cli.run("config", "set", "delivery", "preview",
                     env={"ORDERBRIDGE_HOME": str(blocker / "home")}, expect=1)
    line = one_error_line(result)
    assert "ORDERBRIDGE_HOME" in line and "directory orderbridge can write" in line, line


def test_a_deleted_key_file_says_so_and_which_sides_to_reconnect(cli: Cli,
                                                                 pair: SandboxPair) -> None:
    cli.connect(pair)
    (cli.home / "secret.key").unlink()

    synced = cli.run("sync", "--once", expect=1)
    assert "Traceback" not in synced.output, synced.output
    key_file = cli.home / "secret.key"
    assert f"the key file {key_file} is missing" in synced.output
    assert "(houzz, qbc)" in synced.output and "put the file back from a backup" in synced.output
    assert "orderbridge connect houzz ... --new-key" in synced.output
    assert not key_file.exists()  # reading never makes a new key behind the merchant's back

    refused = cli.run("connect", "qbc", "--token", "x" * 32, "--base-url", pair.qbc_url,
                      expect=1)
    assert "add --new-key" in one_error_line(refused)
    assert not key_file.exists()

    # the key is lost for good: reconnect both sides, the first with a new key
    h = HOUZZ_CREDENTIALS
    cli.run("connect", "houzz", "--token", h["token"], "--username", h["username"],
            "--app-name", h["app_name"], "--base-url", pair.houzz_url, "--new-key")
    assert key_file.exists()
    cli.run("connect", "qbc", "--token", QBC_TOKEN, "--base-url", pair.qbc_url)
    placed = place(pair, 2)
    cli.run("sync", "--once")
    assert sorted(order["reference_number"] for order in qbc_orders(pair)) == sorted(placed)
