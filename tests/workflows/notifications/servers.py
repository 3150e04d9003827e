"""The two receivers alerts go to, real and on loopback: an SMTP server (aiosmtpd) that keeps
every message it accepts and takes one login, and a webhook receiver (a FastAPI app served by
uvicorn) that keeps every call's raw body and headers and answers with the status it is told.

The fixtures are named ``mailbox`` and ``receiver``; import their functions
(``alert_mailbox_server``, ``alert_receiver_server``, with ``# noqa: F401``) into a test module
or conftest to use them.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from fastapi import FastAPI, Request, Response

from orderbridge.sandbox.server import LOOPBACK, serve_in_thread

MAIL_USER = "alerts@shop.example"
MAIL_PASSWORD = "mail-password-7781"
SIGNING_SECRET = "whsec-0123456789abcdef-wxyz"


@dataclass
class Mailbox:
    """An SMTP server on loopback and what it received."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 OK"


def _authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == MAIL_USER.encode()
          and auth_data.password == MAIL_PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(name="mailbox")
def alert_mailbox_server() -> Iterator[Mailbox]:
    box = Mailbox(LOOPBACK, free_port())
    controller = Controller(box, hostname=LOOPBACK, port=box.port,
                            authenticator=_authenticate, auth_require_tls=False)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class Call:
    status: int
    body: bytes
    headers: dict[str, str]


@dataclass
class Receiver:
    """A webhook receiver on loopback: ``url`` takes POSTs; ``status`` is what it answers."""

    url: str = ""
    status: int = 200
    calls: list[Call] = field(default_factory=list)

    @property
    def received(self) -> list[Call]:
        """The calls it answered with a 2xx."""
        return [call for call in self.calls if 200 <= call.status < 300]


@pytest.fixture(name="receiver")
def alert_receiver_server() -> Iterator[Receiver]:
    state = Receiver()
    app = FastAPI()

    @app.post("/hooks/orderbridge")
    async def hook(request: Request) -> Response:
        state.calls.append(Call(state.status, await request.body(), dict(request.headers)))
        return Response(status_code=state.status)

    server = serve_in_thread(app)
    state.url = f"{server.base_url}/hooks/orderbridge"
    try:
        yield state
    finally:
        server.stop()
