"""Outbound traffic honours the standard proxy variables (a fixed-address egress proxy)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair, start_sandboxes


class ForwardProxy(BaseHTTPRequestHandler):
    """A plain-HTTP forward proxy: requests arrive in absolute form and are passed on."""

    seen: list[str] = []

    def _forward(self) -> None:
        ForwardProxy.seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "proxy-connection", "connection")}
        with httpx.Client(trust_env=False) as upstream:
            answer = upstream.request(self.command, self.path, headers=headers, content=body)
        self.send_response(answer.status_code)
        for key, value in answer.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = do_PUT = _forward

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ForwardProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ForwardProxy.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def pair() -> Iterator[SandboxPair]:
    sandboxes = start_sandboxes()
    sandboxes.seed(3, seed=1)
    yield sandboxes
    sandboxes.stop()


def test_both_clients_go_through_the_proxy(monkeypatch: pytest.MonkeyPatch, proxy: str,
                                           pair: SandboxPair) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    creds = HouzzCredentials(**HOUZZ_CREDENTIALS)
    with HouzzClient(creds, pair.houzz_url) as houzz:
        houzz.get_orders()
    with QbcClient(QBC_TOKEN, pair.qbc_url) as qbc:
        qbc.current_account()
    assert any("method=getOrders" in line for line in ForwardProxy.seen)
    assert any(line.endswith("/accounts/current") for line in ForwardProxy.seen)


def test_no_proxy_bypasses_it(monkeypatch: pytest.MonkeyPatch, proxy: str,
                              pair: SandboxPair) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with QbcClient(QBC_TOKEN, pair.qbc_url) as qbc:
        qbc.current_account()
    assert ForwardProxy.seen == []
