"""The CLI tests run the real `orderbridge` command against both simulators on loopback.

`cli.run(...)` is `python -m orderbridge ...` in a subprocess whose `ORDERBRIDGE_HOME` is the
test's own directory (SQLite file and key file created there on first use). `cli.invoke(...)`
runs the same command in-process through Typer's `CliRunner`, for the fast paths; both use the
same home, so the two can be mixed in one test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orderbridge.cli import app
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair, start_sandboxes

SEED_SKUS = 20
SEED = 5


@pytest.fixture(scope="session")
def sandboxes() -> Iterator[SandboxPair]:
    pair = start_sandboxes()
    yield pair
    pair.stop()


@pytest.fixture
def pair(sandboxes: SandboxPair) -> SandboxPair:
    sandboxes.reset()
    sandboxes.seed(SEED_SKUS, seed=SEED)
    return sandboxes


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass
class Cli:
    """The `orderbridge` command with a private home."""

    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERBRIDGE_")}
        env.update(ORDERBRIDGE_HOME=str(self.home), COLUMNS="200", NO_PROXY="127.0.0.1,localhost")
        env.update(extra)
        return env

    def run(self, *args: str, expect: int | None = 0, env: dict[str, str] | None = None,
            stdin: str | None = None) -> Result:
        """Run `python -m orderbridge ARGS` in a subprocess; check the exit code if `expect`."""
        done = subprocess.run([sys.executable, "-m", "orderbridge", *args], capture_output=True,
                              text=True, env=self.env(**(env or {})), input=stdin, timeout=90)
        result = Result(done.returncode, done.stdout, done.stderr)
        _check(args, result, expect)
        return result

    def invoke(self, *args: str, expect: int | None = 0, stdin: str | None = None,
               env: dict[str, str] | None = None) -> Result:
        """The same command in-process (`CliRunner`), `env` added to the test's environment."""
        env = {"ORDERBRIDGE_HOME": str(self.home), "COLUMNS": "200", **(env or {})}
        done = CliRunner().invoke(app, list(args), input=stdin, env=env)
        if done.exception is not None and not isinstance(done.exception, SystemExit):
            raise done.exception
        result = Result(done.exit_code, done.stdout, done.stderr)
        _check(args, result, expect)
        return result

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start a long-running command (e.g. `sync`); stop it with `interrupt`."""
        return subprocess.Popen([sys.executable, "-m", "orderbridge", *args], text=True,
                                env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    @staticmethod
    def interrupt(process: subprocess.Popen[str], timeout: float = 30) -> Result:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=timeout)
        return Result(process.returncode, stdout, stderr)

    def database_bytes(self) -> bytes:
        """Every byte of the SQLite database, WAL and journal included."""
        files = sorted(self.home.glob("orderbridge.sqlite3*"))
        return b"".join(path.read_bytes() for path in files)

    def connect(self, pair: SandboxPair, integration: str = "default", *,
                qbc_token: str = QBC_TOKEN, in_process: bool = False) -> None:
        """Connect both sides to the sandboxes, as a merchant would."""
        run = self.invoke if in_process else self.run
        h = HOUZZ_CREDENTIALS
        run("connect", "houzz", "--token", h["token"], "--username", h["username"],
            "--app-name", h["app_name"], "--base-url", pair.houzz_url,
            "--integration", integration)
        run("connect", "qbc", "--token", qbc_token, "--base-url", pair.qbc_url,
            "--integration", integration)


def _check(args: tuple[str, ...], result: Result, expect: int | None) -> None:
    if expect is not None and result.code != expect:
        raise AssertionError(f"orderbridge {' '.join(args)} exited {result.code}, not {expect}\n"
                             f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "orderbridge-home")


def qbc_orders(pair: SandboxPair) -> list[dict[str, Any]]:
    """The orders the QBC sandbox holds (read through its control API: no API call spent)."""
    response = pair._control.get(f"{pair.qbc_url}/_sandbox/orders")
    response.raise_for_status()
    orders: list[dict[str, Any]] = response.json()["orders"]
    return orders


def qbc_posts(pair: SandboxPair) -> list[dict[str, Any]]:
    return [call for call in pair.calls("qbc") if call["method"] == "POST"]


def known_skus(pair: SandboxPair) -> list[str]:
    listings = pair._control.get(f"{pair.houzz_url}/_sandbox/listings").json()["listings"]
    return [listing["SKU"] for listing in listings]


def place(pair: SandboxPair, count: int, **options: Any) -> list[str]:
    """Buyers place `count` Houzz orders; their OrderIds."""
    ids: list[str] = pair.control("houzz", "orders", {"count": count, **options})["order_ids"]
    return ids
