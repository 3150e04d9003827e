"""A whole-exchange deadline: a server that answers one byte at a time (status line or body)
cannot hold a call longer than its timeout, on either API, behind a proxy too."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from orderbridge.connectors.deadline import DeadlineBackend, bound_by_deadlines
from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.connectors.http import build_http_client
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.errors import TransientError

BODY = b'{"account": {"id": 1, "name": "slow", "location_ids": [1]}} '
ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          + f"Content-Length: {len(BODY)}\r\n\r\n".encode() + BODY)


class TricklingServer:
    """Answers every request with ANSWER, `head_bytes` of it at once and then one byte every
    `every_s` seconds (a slow-loris server)."""

    def __init__(self, head_bytes: int, every_s: float = 0.1) -> None:
        self.head_bytes, self.every_s = head_bytes, every_s
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._stopped = threading.Event()
        self.port = self._socket.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stopped.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # stopped: the listening socket is closed
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        """Every request of the connection (it is kept alive, as the answer says nothing
        else), until the client closes it."""
        with connection:
            try:
                while connection.recv(65536):
                    connection.sendall(ANSWER[:self.head_bytes])
                    for byte in ANSWER[self.head_bytes:]:
                        if self._stopped.wait(self.every_s):
                            return
                        connection.sendall(bytes([byte]))
            except OSError:
                return  # the client gave up and closed: as it should

    def stop(self) -> None:
        self._stopped.set()
        self._socket.close()


@pytest.fixture(params=[0, ANSWER.index(b"{")], ids=["status-line", "body"])
def trickling(request: pytest.FixtureRequest) -> Iterator[TricklingServer]:
    server = TricklingServer(head_bytes=request.param)
    yield server
    server.stop()


def _elapsed(call: object) -> float:
    started = time.monotonic()
    with pytest.raises(TransientError, match="no answer in time"):
        call()  # type: ignore[operator]
    return time.monotonic() - started


def test_qbc_gives_up_at_its_deadline(trickling: TricklingServer) -> None:
    with QbcClient("t", trickling.url, timeout=1.0, max_attempts=1) as qbc:
        elapsed = _elapsed(qbc.current_account)
    # every byte arrives well within the read timeout; only the deadline stops it
    assert 0.9 <= elapsed < 2.5


def test_houzz_gives_up_at_its_deadline(trickling: TricklingServer) -> None:
    credentials = HouzzCredentials("t", "u", "a")
    with HouzzClient(credentials, trickling.url, timeout=1.0) as houzz:
        elapsed = _elapsed(lambda: houzz.get_listings(number=1))
    assert 0.9 <= elapsed < 2.5


def test_a_quick_answer_is_not_cut_short() -> None:
    server = TricklingServer(head_bytes=len(ANSWER))
    try:
        with QbcClient("t", server.url, timeout=1.0, max_attempts=1) as qbc:
            assert qbc.current_account().name == "slow"
            assert qbc.current_account().name == "slow"  # and again, on the kept connection
    finally:
        server.stop()


def test_every_pool_is_bounded_the_proxies_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """If a new httpx moved its connection pools, this is the test that says so."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    client = build_http_client("https://api.example.test")
    try:
        pools = [client._transport, *client._mounts.values()]
        backends = [getattr(getattr(t, "_pool", None), "_network_backend", None) for t in pools
                    if t is not None]
        assert len(backends) >= 3  # the direct pool and one per proxied scheme
        assert all(isinstance(backend, DeadlineBackend) for backend in backends)
        assert bound_by_deadlines(client) == len(backends)  # idempotent: not wrapped twice
        assert not any(isinstance(b._inner, DeadlineBackend) for b in backends
                       if b is not None)
    finally:
        client.close()
