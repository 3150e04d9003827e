"""HTTP/1.1 answers read straight off a socket, for `connectors.lean_http`.

`http.client` parses every answer's headers through the `email` package and reads through a
fresh buffered file per answer; for a small JSON answer that is most of the client's CPU. Here
each connection keeps one byte buffer and the answer is cut up with bytes operations.

Scope is what a client of a JSON API meets: bodies framed by Content-Length, by chunked
transfer coding (extensions and trailers are skipped) or by the server closing the connection
(HTTP/1.0 style), interim 1xx answers (skipped), and answers that never have a body (to HEAD,
204, 304). One request is in flight per connection; bytes the server sends beyond the answer
make the connection unfit for reuse rather than the start of the next answer.
"""

from __future__ import annotations

import socket
from typing import NamedTuple

MAX_HEAD = 64 * 1024
"""Longest status line plus headers accepted (http.client allows 64 KiB per line)."""
RECV_SIZE = 64 * 1024
PREALLOCATE_MAX = 16 * 1024 * 1024
"""Bodies up to this size are received straight into a buffer of their announced size."""
_HEX_DIGITS = b"0123456789abcdefABCDEF"


class ProtocolViolation(Exception):
    """The server's answer is not HTTP/1.x, or it closed the connection mid-answer."""


class Answer(NamedTuple):
    status: int
    headers: list[tuple[bytes, bytes]]
    """As sent: original case and order, values stripped."""
    body: bytes
    keep_alive: bool
    """Whether the server left the connection open for another request."""
    content_coded: bool
    """Whether the body is compressed (a Content-Encoding other than identity)."""


class Http1Connection:
    """One socket and the bytes read from it but not yet consumed."""

    __slots__ = ("sock", "_buffer", "idle_since")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = bytearray()
        self.idle_since = 0.0
        """`time.monotonic()` when the connection was last put back to rest (set by the pool)."""

    @property
    def buffered(self) -> int:
        """Bytes received but not part of any answer read so far."""
        return len(self._buffer)

    def close(self) -> None:
        self.sock.close()

    def read_answer(self, *, to_head: bool = False) -> Answer:
        """Read the final answer to the request just sent (`to_head`: it was a HEAD)."""
        while True:
            lines = self._read_head()
            status, http11 = _status_line(lines[0])
            if status >= 200:
                break
            if status == 101:
                raise ProtocolViolation("switched protocols without being asked to")
        headers, length, chunked, close, coded = _headers(lines, http11)
        keep_alive = not close
        if to_head or status in (204, 304):
            body = b""
        elif chunked:
            body = self._read_chunked()
        elif length is not None:
            body = self._read_exactly(length)
        else:
            body = self._read_to_close()
            keep_alive = False
        return Answer(status, headers, body, keep_alive, coded)

    # -- reading -------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Receive more bytes; False at the end of the stream."""
        data = self.sock.recv(RECV_SIZE)
        if not data:
            return False
        self._buffer += data
        return True

    def _read_head(self) -> list[bytes]:
        """The status line and header lines of the next answer, line ends removed."""
        buffer = self._buffer
        while True:
            end = buffer.find(b"\r\n\r\n")
            bare = buffer.find(b"\n\n", 0, end if end >= 0 else len(buffer))
            if bare >= 0:  # lines ended by LF alone (lenient, as http.client is)
                block = bytes(buffer[:bare])
                del buffer[:bare + 2]
                lines = [line.rstrip(b"\r") for line in block.split(b"\n")]
                break
            if end >= 0:
                block = bytes(buffer[:end])
                del buffer[:end + 4]
                lines = block.split(b"\r\n")
                break
            if len(buffer) > MAX_HEAD:
                raise ProtocolViolation("answer headers too long")
            if not self._fill():
                raise ProtocolViolation("server closed the connection before answering"
                                        if not buffer else "server closed the connection "
                                        "in the middle of the answer headers")
        if b"\n " in block or b"\n\t" in block:
            lines = _unfold(lines)
        return lines

    def _read_line(self) -> bytes:
        buffer = self._buffer
        while (end := buffer.find(b"\n")) < 0:
            if len(buffer) > MAX_HEAD:
                raise ProtocolViolation("chunk line too long")
            if not self._fill():
                raise ProtocolViolation("server closed the connection in the middle of a "
                                        "chunked body")
        line = bytes(buffer[:end]).rstrip(b"\r")
        del buffer[:end + 1]
        return line

    def _read_exactly(self, length: int) -> bytes:
        buffer = self._buffer
        if length > PREALLOCATE_MAX:  # grow with what arrives, not with what is announced
            while len(buffer) < length:
                if not self._fill():
                    raise ProtocolViolation(f"server closed the connection after "
                                            f"{len(buffer)} of {length} body bytes")
        if len(buffer) >= length:
            body = bytes(buffer[:length])
            del buffer[:length]
            return body
        # Receive the rest straight into its place, never past the end of the body.
        body_buffer = bytearray(length)
        view = memoryview(body_buffer)
        got = len(buffer)
        view[:got] = buffer
        buffer.clear()
        while got < length:
            count = self.sock.recv_into(view[got:])
            if not count:
                raise ProtocolViolation(f"server closed the connection after {got} of "
                                        f"{length} body bytes")
            got += count
        view.release()
        return bytes(body_buffer)

    def _read_chunked(self) -> bytes:
        parts = []
        while True:
            size_field = self._read_line().partition(b";")[0].strip()
            if not size_field or len(size_field) > 16 or size_field.strip(_HEX_DIGITS):
                raise ProtocolViolation(f"bad chunk size {size_field[:20]!r}")
            size = int(size_field, 16)
            if size == 0:
                break
            parts.append(self._read_exactly(size))
            if self._read_line():
                raise ProtocolViolation("chunk data longer than its size")
        while self._read_line():  # trailer fields, up to the empty line
            pass
        return b"".join(parts)

    def _read_to_close(self) -> bytes:
        while self._fill():
            pass
        body = bytes(self._buffer)
        self._buffer.clear()
        return body


def _status_line(line: bytes) -> tuple[int, bool]:
    """The status code and whether the server speaks HTTP/1.1 (rather than 1.0)."""
    version, _, rest = line.partition(b" ")
    code = rest[:3]
    if (len(version) != 8 or not version.startswith(b"HTTP/1.") or not version[7:].isdigit()
            or len(code) != 3 or not code.isdigit() or rest[3:4] not in (b"", b" ")
            or code[0] == 0x30):
        raise ProtocolViolation(f"bad status line {line[:60]!r}")
    return int(code), version != b"HTTP/1.0"


def _headers(lines: list[bytes], http11: bool
             ) -> tuple[list[tuple[bytes, bytes]], int | None, bool, bool, bool]:
    """Header fields and what frames the body: (headers, Content-Length, chunked, the
    connection ends after this answer, the body has a content coding)."""
    headers = []
    length: int | None = None
    transfer_coding: bytes | None = None
    connection = b""
    coded = False
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or name[-1] in (0x20, 0x09):
            raise ProtocolViolation(f"bad header line {line[:60]!r}")
        value = value.strip()
        headers.append((name, value))
        if name[0] | 0x20 not in (0x63, 0x74):  # only c... and t... names matter below
            continue
        lowered = name.lower()
        if lowered == b"content-length":
            if not value.isdigit() or (length is not None and length != int(value)):
                raise ProtocolViolation(f"bad Content-Length {value[:30]!r}")
            length = int(value)
        elif lowered == b"transfer-encoding":
            transfer_coding = value.lower() if transfer_coding is None else (
                transfer_coding + b"," + value.lower())
        elif lowered == b"connection":
            connection += b"," + value.lower()
        elif lowered == b"content-encoding":
            coded = coded or value.lower() not in (b"", b"identity")
    tokens = {token.strip() for token in connection.split(b",")} if connection else set()
    close = b"close" in tokens if http11 else b"keep-alive" not in tokens
    if transfer_coding is None:
        return headers, length, False, close, coded
    chunked = transfer_coding.rsplit(b",", 1)[-1].strip() == b"chunked"
    # Transfer-Encoding overrides Content-Length; an answer with both is suspect (request
    # smuggling), so the connection is not used again. Not chunked: the body ends at close.
    return headers, None, chunked, close or not chunked or length is not None, coded


def _unfold(lines: list[bytes]) -> list[bytes]:
    """Join obsolete folded header lines (starting with a space or tab) to the line above."""
    joined: list[bytes] = []
    for line in lines:
        if joined and line[:1] in (b" ", b"\t"):
            joined[-1] += b" " + line.strip()
        else:
            joined.append(line)
    return joined
