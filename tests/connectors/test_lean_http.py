"""The lean HTTP path: keep-alive reuse, never a stale or half-read connection, httpx errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from orderbridge.connectors.lean_http import LeanHttp, lean_http_usable


class Handler(BaseHTTPRequestHandler):
    """Answers with the request line; `/slow` answers late, `/bye` closes the connection
    afterwards without saying so."""

    protocol_version = "HTTP/1.1"
    connections = 0

    def setup(self) -> None:
        Handler.connections += 1  # one handler per connection
        super().setup()

    def do_GET(self) -> None:
        if "/slow" in self.path:
            time.sleep(0.6)
        body = f"{self.command} {self.path} {self.headers.get('X-Test', '')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Rate-Limit-Remaining", "7")
        self.end_headers()
        self.wfile.write(body)
        if "/bye" in self.path:
            self.close_connection = True

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Handler.connections = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/api"
    httpd.shutdown()
    httpd.server_close()


def test_answers_come_back_as_httpx_responses_over_one_connection(server: str) -> None:
    lean = LeanHttp(server, {"X-Test": "default"}, timeout=5)
    try:
        first = lean.request("GET", "/a", params={"s[]": ["x y", "z"], "on": True, "n": 2})
        second = lean.request("POST", "/b", content=b"{}", headers={"X-Test": "override"})
    finally:
        lean.close()
    expected = httpx.URL("/api/a", params={"s[]": ["x y", "z"], "on": True, "n": 2})
    assert first.text == f"GET {expected.raw_path.decode()} default"
    assert first.status_code == 200 and first.headers["x-rate-limit-remaining"] == "7"
    assert second.text == "POST /api/b override"
    assert Handler.connections == 1


def test_a_connection_the_server_closed_is_not_reused(server: str) -> None:
    lean = LeanHttp(server, {}, timeout=5)
    try:
        assert lean.request("GET", "/bye").text.startswith("GET /api/bye")
        time.sleep(0.1)  # the server has closed its end by now
        assert lean.request("GET", "/after").text.startswith("GET /api/after")
    finally:
        lean.close()
    assert Handler.connections == 2


def test_a_timeout_discards_the_connection_so_a_late_answer_is_never_read(server: str) -> None:
    lean = LeanHttp(server, {}, timeout=0.2)
    try:
        with pytest.raises(httpx.ReadTimeout) as raised:
            lean.request("GET", "/slow")
        assert raised.value.request.url.path == "/api/slow"
        time.sleep(0.6)  # the slow answer has arrived on the abandoned connection
        assert lean.request("GET", "/next").text.startswith("GET /api/next")
    finally:
        lean.close()


def test_a_refused_connection_is_httpx_connect_error() -> None:
    lean = LeanHttp("http://127.0.0.1:9", {}, timeout=1)
    with pytest.raises(httpx.ConnectError) as raised:
        lean.request("GET", "/x")
    assert raised.value.request.url.host == "127.0.0.1"


def test_proxies_and_transports_keep_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert lean_http_usable("http://127.0.0.1:1", None)
    assert not lean_http_usable("http://127.0.0.1:1", httpx.MockTransport(httpx.Response))
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert not lean_http_usable("https://api.tradegecko.com", None)
