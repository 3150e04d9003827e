"""Running a target: Hypothesis examples fed to one case function, every exception caught and
counted (a campaign counts crashes, it does not stop at the first); and the sandbox a target
runs in: a private home and store, and no way out of loopback.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography.fernet import Fernet
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from orderbridge.settings import Settings
from orderbridge.store import Store, open_store
from tests.fuzz.tally import FuzzTally

T = TypeVar("T")
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
                    "http_proxy", "https_proxy", "all_proxy", "no_proxy")


def run_cases(kind: str, strategy: st.SearchStrategy[T], examples: int,
              case: Callable[[T, FuzzTally], None], seeds: Sequence[T] = ()) -> FuzzTally:
    """Feed ``seeds`` and then ``examples`` values of ``strategy`` to ``case``; whatever it
    lets escape is a crash of the entry point, counted with its input. The seeds (a sound
    input, a bad one) make every run meet each outcome at least once: a few generated
    examples may all land on one side."""
    tally = FuzzTally(kind)

    def each(value: T) -> None:
        try:
            case(value, tally)
        except Exception as exc:
            tally.crashed(exc, value)

    for seed in seeds:
        each = example(seed)(each)
    settings(max_examples=examples, deadline=None, database=None,
             suppress_health_check=list(HealthCheck))(given(strategy)(each))()
    return tally


@contextmanager
def quiet_logs() -> Iterator[None]:
    """The hub's log lines (a warning per forged webhook...) kept off the terminal while a
    target runs; a campaign reports counts, not thousands of lines."""
    loggers = [logging.getLogger(name) for name in ("orderbridge", "uvicorn")]
    saved = [(logger.handlers[:], logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.handlers[:] = [logging.NullHandler()]
        logger.propagate = False
    try:
        yield
    finally:
        for logger, (handlers, propagate) in zip(loggers, saved, strict=True):
            logger.handlers[:], logger.propagate = handlers, propagate


@contextmanager
def loopback_only() -> Iterator[None]:
    """Every HTTP request to a host other than loopback goes to a proxy that refuses it: a
    fuzzed base URL (or a default one, api.houzz.com) never leaves the machine. httpx reads
    the variables when a client is made, so this wraps the whole target."""
    with quiet_logs():
        yield from _loopback_only()


def _loopback_only() -> Iterator[None]:
    closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    saved = {name: os.environ.get(name) for name in _PROXY_VARIABLES}
    for name in _PROXY_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(HTTP_PROXY=dead, HTTPS_PROXY=dead, ALL_PROXY=dead,
                      NO_PROXY="127.0.0.1,localhost")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        closed.close()


@dataclass(frozen=True)
class Home:
    """A private ORDERBRIDGE_HOME with its settings and open store."""

    path: Path
    settings: Settings
    store: Store


@contextmanager
def private_home() -> Iterator[Home]:
    """A fresh home (SQLite file, encryption key) removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="orderbridge-fuzz-") as directory:
        path = Path(directory) / "home"
        settings = Settings(home=path, secret_key=Fernet.generate_key().decode())
        store = open_store(settings)
        try:
            yield Home(path, settings, store)
        finally:
            store.close()
