"""The web app as a merchant meets it: `create_app` served by uvicorn on loopback (a real HTTP
server, real cookies), on a store in the test's home; clients that log in through the login
form (CSRF token included) or call the API with a token made as `orderbridge token create`
makes it."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from orderbridge.passwords import hash_password, new_api_token, token_hash
from orderbridge.sandbox.server import RunningServer, serve_in_thread
from orderbridge.settings import Settings
from orderbridge.store import Store, open_store, users
from orderbridge.web.app import create_app

USER, PASSWORD = "merchant", "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Web:
    """A running web app and its store."""

    url: str
    store: Store
    settings: Settings
    server: RunningServer
    setup_token: str | None
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, **options: Any) -> httpx.Client:
        """An anonymous browser-like client (keeps cookies, follows no redirects), closed
        with the app."""
        client = httpx.Client(base_url=self.url, timeout=30, **options)
        self.clients.append(client)
        return client

    def logged_in(self, name: str = USER, password: str = PASSWORD) -> httpx.Client:
        client = self.client()
        response = log_in(client, name, password)
        assert response.status_code == 303, response.text
        return client

    def api(self, name: str = "tests") -> httpx.Client:
        token = new_api_token()
        with self.store.begin() as session:
            if users.get_token_by_name(session, name) is None:
                users.add_token(session, name, token_hash(token), token[:8])
        return self.client(headers={"Authorization": f"Bearer {token}"})


def csrf_of(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match is not None, page.text[:2000]
    return match.group(1)


def log_in(client: httpx.Client, name: str, password: str) -> httpx.Response:
    token = csrf_of(client.get("/login"))
    return client.post("/login", data={"name": name, "password": password, "next": "/",
                                       "csrf_token": token})


def post_form(client: httpx.Client, page: str, action: str | None = None,
              **fields: str) -> httpx.Response:
    """Submit a form of ``page`` as a browser would: the page's CSRF token included."""
    token = csrf_of(client.get(page))
    return client.post(action or page, data={**fields, "csrf_token": token})


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "orderbridge-home",
                    secret_key=Fernet.generate_key().decode())


def serve(settings: Settings, *, with_user: bool = True) -> Iterator[Web]:
    store = open_store(settings)
    if with_user:
        with store.begin() as session:
            users.save_user(session, USER, hash_password(PASSWORD))
    app = create_app(settings, store)
    server = serve_in_thread(app)
    web = Web(server.base_url, store, settings, server, app.state.setup_token)
    try:
        yield web
    finally:
        for client in web.clients:
            client.close()
        server.stop()
        store.close()


@pytest.fixture
def web(web_settings: Settings) -> Iterator[Web]:
    """The app with one user (USER / PASSWORD)."""
    yield from serve(web_settings)


@pytest.fixture
def fresh_web(web_settings: Settings) -> Iterator[Web]:
    """The app before anyone has set it up: no user, a setup link."""
    yield from serve(web_settings, with_user=False)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright drives the system Chromium (Debian's package; no browser download)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}}


def screenshot(page: Any, name: str) -> None:
    """Save the page as docs/screenshots/NAME.png (shown in the README; kept current by the
    browser tests)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
