"""The web app beside the demo: served on loopback while the demo runs, with a demo user whose
password is made for this run and printed, so a merchant can watch the orders arrive in the
browser as well as in the terminal."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from orderbridge.cli.demo.world import DemoWorld
from orderbridge.passwords import hash_password
from orderbridge.sandbox.server import serve_in_thread
from orderbridge.store import users
from orderbridge.web.app import create_app

DEMO_USER = "demo"
PREFERRED_PORT = 8000


@dataclass(frozen=True)
class DemoWeb:
    url: str
    user: str
    password: str


@contextmanager
def demo_web(world: DemoWorld, port: int = PREFERRED_PORT) -> Iterator[DemoWeb]:
    """Serve the app on ``port`` (any free port if it is taken) until the block ends."""
    password = secrets.token_urlsafe(9)
    with world.store.begin() as session:
        users.save_user(session, DEMO_USER, hash_password(password))
    app = create_app(world.settings, world.store)
    try:
        server = serve_in_thread(app, port)
    except OSError:
        server = serve_in_thread(app, 0)
    try:
        yield DemoWeb(server.base_url, DEMO_USER, password)
    finally:
        server.stop()
