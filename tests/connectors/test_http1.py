"""Reading HTTP/1.x answers off a real loopback TCP connection, byte boundaries included.

The server side is a plain socket the test writes to; pieces sent with a pause in between
reach the client in separate receives, so every boundary case crosses a recv().
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from orderbridge.connectors import http1
from orderbridge.connectors.http1 import Http1Connection, ProtocolViolation

GAP_S = 0.05


@pytest.fixture
def link() -> Iterator[tuple[Http1Connection, socket.socket]]:
    """A client connection and the server's end of it."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname(), timeout=5)
        server, _ = listener.accept()
    server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection = Http1Connection(client)
    yield connection, server
    connection.close()
    server.close()


def send(server: socket.socket, *pieces: bytes, then: str = "") -> threading.Thread:
    """Send `pieces` one after another, each after a pause; then optionally "close" the
    connection or "reset" it (RST)."""
    def run() -> None:
        for piece in pieces:
            time.sleep(GAP_S)
            server.sendall(piece)
        if then == "close":
            time.sleep(GAP_S)
            server.shutdown(socket.SHUT_WR)
        elif then == "reset":
            time.sleep(GAP_S)
            server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            server.close()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def read(link: tuple[Http1Connection, socket.socket], *pieces: bytes, then: str = "",
         to_head: bool = False) -> http1.Answer:
    connection, server = link
    thread = send(server, *pieces, then=then)
    try:
        return connection.read_answer(to_head=to_head)
    finally:
        thread.join()


def test_content_length_body_and_headers_split_across_receives(
        link: tuple[Http1Connection, socket.socket]) -> None:
    answer = read(link, b"HTTP/1.1 201 Created\r\nContent-Ty", b"pe: application/json\r\n"
                  b"X-Rate-Limit-Remaining:  7 \r\nContent-Length: 10\r", b"\n\r", b"\n{\"id\"",
                  b": 42}")
    assert answer == http1.Answer(201, [(b"Content-Type", b"application/json"),
                                        (b"X-Rate-Limit-Remaining", b"7"),
                                        (b"Content-Length", b"10")], b'{"id": 42}', True, False)
    assert link[0].buffered == 0


def test_two_answers_in_a_row_on_one_connection(
        link: tuple[Http1Connection, socket.socket]) -> None:
    first = read(link, b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none")
    second = read(link, b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo")
    assert (first.body, second.body) == (b"one", b"two")


def test_a_large_body_arrives_whole(link: tuple[Http1Connection, socket.socket],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    body = bytes(range(256)) * 2000  # 512 000 bytes: many receives
    answer = read(link, b"HTTP/1.1 200 OK\r\nContent-Length: 512000\r\n\r\n" + body[:1000],
                  body[1000:300_000], body[300_000:])
    assert answer.body == body
    monkeypatch.setattr(http1, "PREALLOCATE_MAX", 1000)  # a body growing with what arrives
    answer = read(link, b"HTTP/1.1 200 OK\r\nContent-Length: 512000\r\n\r\n" + body[:1000],
                  body[1000:300_000], body[300_000:])
    assert answer.body == body and link[0].buffered == 0


def test_chunked_body_with_extensions_and_trailers(
        link: tuple[Http1Connection, socket.socket]) -> None:
    answer = read(link, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val",
                  b"ue\r\nhel", b"lo\r\n1A \r\n", b"abcdefghijklmnopqrstuvwxyz\r\n0\r\n",
                  b"Server-Timing: db;dur=53\r", b"\nX-Trailer: 1\r\n\r\n")
    assert answer.body == b"hello" + b"abcdefghijklmnopqrstuvwxyz"
    assert answer.keep_alive and link[0].buffered == 0
    again = read(link, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert again.body == b"" and again.keep_alive


def test_transfer_encoding_wins_over_content_length_and_ends_the_connection(
        link: tuple[Http1Connection, socket.socket]) -> None:
    answer = read(link, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
    assert answer.body == b"abc" and not answer.keep_alive


@pytest.mark.parametrize(("head", "keep_alive"), [
    (b"HTTP/1.1 200 OK\r\nConnection: close\r\n", False),
    (b"HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\n", False),
    (b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n", True),
    (b"HTTP/1.0 200 OK\r\n", False),
    (b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n", True),
])
def test_whether_the_server_keeps_the_connection(
        link: tuple[Http1Connection, socket.socket], head: bytes, keep_alive: bool) -> None:
    answer = read(link, head + b"Content-Length: 2\r\n\r\nok")
    assert answer.body == b"ok" and answer.keep_alive is keep_alive


def test_a_body_without_length_ends_when_the_server_closes(
        link: tuple[Http1Connection, socket.socket]) -> None:
    answer = read(link, b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ",
                  b"part two", then="close")
    assert answer.body == b"part one, part two" and not answer.keep_alive


def test_interim_answers_are_skipped(link: tuple[Http1Connection, socket.socket]) -> None:
    answer = read(link, b"HTTP/1.1 100 Continue\r\n\r\n",
                  b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\n"
                  b"Content-Length: 4\r\n\r\ndone")
    assert (answer.status, answer.body) == (200, b"done")


def test_answers_that_never_have_a_body(link: tuple[Http1Connection, socket.socket]) -> None:
    head = read(link, b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", to_head=True)
    assert (head.body, head.keep_alive, link[0].buffered) == (b"", True, 0)
    for status in (b"204 No Content", b"304 Not Modified"):
        answer = read(link, b"HTTP/1.1 " + status + b"\r\nContent-Length: 10\r\n\r\n")
        assert answer.body == b"" and answer.keep_alive


def test_bytes_beyond_the_answer_stay_buffered(
        link: tuple[Http1Connection, socket.socket]) -> None:
    answer = read(link, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n")
    assert answer.body == b"ok" and link[0].buffered > 0  # the pool will not reuse it


def test_bare_line_feeds_and_folded_headers_are_tolerated(
        link: tuple[Http1Connection, socket.socket]) -> None:
    answer = read(link, b"HTTP/1.1 200 OK\nX-Long: first\n  second\nContent-Length: 4\n\n"
                  b"\r\n\r\n")
    assert answer.headers == [(b"X-Long", b"first second"), (b"Content-Length", b"4")]
    assert answer.body == b"\r\n\r\n"


def test_a_content_coding_is_reported(link: tuple[Http1Connection, socket.socket]) -> None:
    answer = read(link, b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n")
    assert answer.content_coded
    plain = read(link, b"HTTP/1.1 200 OK\r\ncontent-encoding: identity\r\n"
                 b"Content-Length: 0\r\n\r\n")
    assert not plain.content_coded


@pytest.mark.parametrize("status_line", [
    b"HTTP/2 200 OK", b"HTTP/1.1 2000 OK", b"HTTP/1.1 20 OK", b"HTTP/1.1 OK",
    b"ICY 200 OK", b"http/1.1 200 OK", b"HTTP/1.1 099 Low", b"<html>",
])
def test_a_malformed_status_line_is_a_protocol_violation(
        link: tuple[Http1Connection, socket.socket], status_line: bytes) -> None:
    with pytest.raises(ProtocolViolation, match="status line"):
        read(link, status_line + b"\r\nContent-Length: 0\r\n\r\n")


@pytest.mark.parametrize(("answer", "message"), [
    (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "header line"),
    (b"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", "header line"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n", "Content-Length"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "Content-Length"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
     "chunk size"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n",
     "longer than its size"),
    (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", "switched protocols"),
])
def test_malformed_framing_is_a_protocol_violation(
        link: tuple[Http1Connection, socket.socket], answer: bytes, message: str) -> None:
    with pytest.raises(ProtocolViolation, match=message):
        read(link, answer, then="close")


def test_headers_too_long_are_a_protocol_violation(
        link: tuple[Http1Connection, socket.socket]) -> None:
    with pytest.raises(ProtocolViolation, match="too long"):
        read(link, b"HTTP/1.1 200 OK\r\n" + b"X-Junk: aaaaaaaa\r\n" * 5000)


@pytest.mark.parametrize(("pieces", "message"), [
    ((), "before answering"),
    ((b"HTTP/1.1 200 OK\r\nContent-Le",), "headers"),
    ((b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", b"abc"), "3 of 10"),
    ((b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",), "2 of 5"),
    ((b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n",), "chunked"),
])
def test_the_server_closing_mid_answer_is_a_protocol_violation(
        link: tuple[Http1Connection, socket.socket], pieces: tuple[bytes, ...],
        message: str) -> None:
    with pytest.raises(ProtocolViolation, match=message):
        read(link, *pieces, then="close")


def test_a_reset_mid_body_is_a_connection_error(
        link: tuple[Http1Connection, socket.socket]) -> None:
    with pytest.raises(ConnectionResetError):
        read(link, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", b"abc", then="reset")


def test_silence_is_a_timeout(link: tuple[Http1Connection, socket.socket]) -> None:
    connection, _ = link
    connection.sock.settimeout(0.2)
    with pytest.raises(TimeoutError):
        read(link, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
