"""After a full run of orderbridge no secret is anywhere in plain text: not in a line any process
logged, not in an answer of the web app or the API (body or header), not in any column of any
row of the database, and not in any file but the key files the product documents.

The run is a merchant's, on SQLite and on PostgreSQL: the real `python -m orderbridge`
command in subprocesses (ORDERBRIDGE_LOG_LEVEL=DEBUG, their output kept) against the running
sandboxes, with distinctive secrets wherever one can be chosen (a Houzz token and a QBC token
the sandboxes are told to accept, the QBC app secret that signs webhooks, the SMTP password and
the alert webhook's signing secret, a user's password and a mistyped one) and those the run
makes (an API token, the OAuth tokens of a second integration connected by OAuth, the session
key, the encryption key). `orderbridge serve` runs meanwhile: the notifications and the OAuth
connection are made through it, and at the end every GET route it has is fetched by a
logged-in browser and by an API client, and the read-only commands print what was saved. A
secret is looked for as itself, as its hex and as its base64 (standard and
URL-safe, at any offset inside a longer encoded blob, such as a session cookie).

The encryption key is kept both ways the product offers: on SQLite the embedded default, a key
file the hub makes in its home (`orderbridge.crypto`: by design it holds the key in plain text,
so it must be 0600 in a 0700 home); on PostgreSQL the scale-out way, ORDERBRIDGE_SECRET_KEY,
with which no key file may appear. The SQLite run logs text lines, the PostgreSQL run JSON.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from fastapi.routing import iter_route_contexts
from sqlalchemy import MetaData, create_engine, select
from starlette.routing import Mount

from orderbridge.cli.connect_cmd import HOUZZ_TOKEN_ENV, QBC_TOKEN_ENV
from orderbridge.cli.user_cmd import PASSWORD_ENV
from orderbridge.cli.webhooks_cmd import APP_SECRET_ENV
from orderbridge.crypto import SecretBox, mask
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, SandboxPair
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from orderbridge.settings import Settings
from orderbridge.store import open_store
from orderbridge.web.app import SESSION_COOKIE, create_app
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import Cli, Result, place
from tests.web.conftest import CSRF, log_in, post_form

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair  # the running Houzz and QBC sandboxes

USER = "merchant"
CHOSEN = {
    "houzz token": "houzz-token-Rk7q-3f9a1c5e77d2",
    "qbc token": "qbc-token-Mv2w-8d4e6b0a19c3",
    "qbc app secret": "qbc-app-secret-Tz4p-5c8e2a7f01b6",
    "smtp password": "smtp-password-Lq9x-0e3b7d1c58a4",
    "alert webhook secret": "alert-webhook-secret-Wn6j-7a2f9c4e13d0",
    "user password": "user-password-Hd3s-6b1e8f2a47c9",
    "mistyped password": "mistyped-password-Gc8v-1d5a9e3b60f2",
    "oauth client secret": DEFAULT_CLIENT_SECRET,  # the sandbox's app: its secret is fixed
}
TOKEN_NAME = "scanner"
CLOSED_PORT = "9"  # discard: nothing listens on loopback, so alerts fail to go, as they may
STARTUP_S = 60.0


@dataclass
class Evidence:
    """Everything the run left where a person or a program could read it, by where it was."""

    logs: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def record_answer(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        where = (f"{request.method} {request.url.path}?{request.url.query.decode()} "
                 f"-> {response.status_code} #{len(self.answers)}")
        headers = "\n".join(f"{name}: {value}" for name, value in response.headers.multi_items())
        self.answers[where] = f"{headers}\n\n{response.text}"


@dataclass
class RecordingCli(Cli):
    """`Cli` with the run's settings in its environment, keeping every output it printed."""

    settings_env: dict[str, str] = field(default_factory=dict)
    evidence: Evidence = field(default_factory=Evidence)

    def env(self, **extra: str) -> dict[str, str]:
        return super().env(**{**self.settings_env, **extra})

    def run(self, *args: str, expect: int | None = 0, env: dict[str, str] | None = None,
            stdin: str | None = None) -> Result:
        result = super().run(*args, expect=expect, env=env, stdin=stdin)
        where = f"orderbridge {' '.join(args)} #{len(self.evidence.logs)}"
        self.evidence.logs[f"{where} stdout"] = result.stdout
        self.evidence.logs[f"{where} stderr"] = result.stderr
        return result

    def invoke(self, *args: str, expect: int | None = 0, stdin: str | None = None,
               env: dict[str, str] | None = None) -> Result:
        """The command in-process (fast: for the read-only commands), recorded like `run`."""
        result = super().invoke(*args, expect=expect, stdin=stdin,
                                env={**self.settings_env, **(env or {})})
        where = f"orderbridge {' '.join(args)} (in-process) #{len(self.evidence.logs)}"
        self.evidence.logs[f"{where} output"] = result.output
        return result


@dataclass
class Hub:
    """`orderbridge serve` running, and the clients talking to it (every answer recorded)."""

    url: str
    evidence: Evidence
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, headers: dict[str, str] | None = None) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30, trust_env=False, headers=headers,
                              event_hooks={"response": [self._record]})
        self.clients.append(client)
        return client

    def _record(self, response: httpx.Response) -> None:
        if str(response.request.url).startswith(self.url):
            self.evidence.record_answer(response)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(cli: RecordingCli, logs: Path) -> Iterator[Hub]:
    """`orderbridge serve` in a subprocess, its output in files (DEBUG fills any pipe)."""
    port = free_port()
    logs.mkdir()
    out, err = logs / "serve.stdout", logs / "serve.stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "orderbridge", "serve", "--port",
                                    str(port)], env=cli.env(), stdout=stdout, stderr=stderr)
    hub = Hub(f"http://127.0.0.1:{port}", cli.evidence)
    try:
        yield hub
    finally:
        for client in hub.clients:
            client.close()
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        cli.evidence.logs["orderbridge serve stdout"] = out.read_text()
        cli.evidence.logs["orderbridge serve stderr"] = err.read_text()


def wait_until_serving(hub: Hub) -> None:
    deadline = time.monotonic() + STARTUP_S
    with httpx.Client(base_url=hub.url, timeout=5, trust_env=False) as probe:
        while time.monotonic() < deadline:
            try:
                if probe.get("/login").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
    raise AssertionError(f"orderbridge serve did not answer at {hub.url} in {STARTUP_S:g} s")


def save_notifications(browser: httpx.Client) -> None:
    """Both alert channels with their secrets; a refused save first, which must not echo
    them."""
    fields = {"integration": "default", "alert_email_to": "ops@example.com",
              "alert_email_from": "hub@example.com", "smtp_host": "127.0.0.1",
              "smtp_port": CLOSED_PORT, "smtp_user": "hub",
              "smtp_password": CHOSEN["smtp password"],
              "alert_webhook_url": f"http://127.0.0.1:{CLOSED_PORT}/hook",
              "webhook_secret": CHOSEN["alert webhook secret"], "alert_batch_minutes": "1"}
    refused = post_form(browser, "/notifications", **{**fields, "smtp_port": "not a port"})
    assert refused.status_code == 400, refused.text[:2000]
    saved = post_form(browser, "/notifications", **fields)
    assert saved.status_code == 303, saved.text[:2000]
    for test in ("test-email", "test-webhook"):  # they fail: nothing listens there
        sent = post_form(browser, "/notifications", f"/notifications/{test}",
                         integration="default")
        assert sent.status_code == 303
        browser.get(sent.headers["location"])


def connect_by_oauth(browser: httpx.Client, pair: SandboxPair) -> None:
    """Integration "oauth": QBC connected by OAuth from the Connections screen, as a browser
    does it (the sandbox approves at once and sends the browser back)."""
    started = post_form(browser, "/connections", "/connections/qbc/oauth", integration="oauth",
                        client_id=DEFAULT_CLIENT_ID, client_secret=CHOSEN["oauth client secret"],
                        base_url=pair.qbc_url)
    assert started.status_code == 303, started.text[:2000]
    approved = browser.get(started.headers["location"])
    assert approved.status_code == 302, approved.text[:2000]
    back = browser.get(approved.headers["location"])
    assert back.status_code == 303, back.text[:2000]
    page = browser.get(back.headers["location"])
    assert "QuickBooks Commerce (OAuth): connected and saved" in page.text


def get_routes(settings: Settings) -> list[str]:
    """The path of every GET route of the web app, from its own route table."""
    store = open_store(settings)
    try:
        routes = create_app(settings, store).routes
    finally:
        store.close()
    paths = []
    for route in iter_route_contexts(routes):
        if isinstance(route.original_route, Mount) or "GET" not in (route.methods or set()):
            continue
        paths.append(route.path or "")
    return paths


def filled(template: str, values: dict[str, str]) -> str:
    """A route's path with its parameters filled in ("1" for those not in ``values``)."""
    return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: values.get(m.group(1), "1"), template)


def visit_everything(browser: httpx.Client, api: httpx.Client, settings: Settings,
                     order_id: str) -> int:
    """Every GET route, for both integrations, as the browser and as the API client."""
    fetched = 0
    for template in get_routes(settings):
        for integration in ("default", "oauth"):
            path = filled(template, {"ref": order_id, "name": integration, "job": "download",
                                     "token": "x", "channel_sku": "HZ-1"})
            for client in (browser, api):
                answer = client.get(path, params={"integration": integration})
                assert answer.status_code < 500, (path, answer.status_code)
                fetched += 1
    return fetched


def full_run(cli: RecordingCli, pair: SandboxPair, logs: Path,
             settings: Settings) -> str:
    """Everything a merchant does, every job run, every page and read-only command's output
    seen; the API token."""
    houzz = HOUZZ_CREDENTIALS
    pair.control("houzz", "credentials", {"token": CHOSEN["houzz token"],
                                           "username": houzz["username"],
                                           "app_name": houzz["app_name"]})
    pair.control("qbc", "tokens", {"token": CHOSEN["qbc token"]})
    cli.run("user", "add", USER, env={PASSWORD_ENV: CHOSEN["user password"]})
    with served(cli, logs) as hub:
        cli.run("connect", "houzz", "--username", houzz["username"], "--app-name",
                houzz["app_name"], "--base-url", pair.houzz_url,
                env={HOUZZ_TOKEN_ENV: CHOSEN["houzz token"]})
        cli.run("connect", "qbc", "--base-url", pair.qbc_url,
                env={QBC_TOKEN_ENV: CHOSEN["qbc token"]})
        api_token = cli.run("token", "create", TOKEN_NAME).stdout.split()[-1]
        wait_until_serving(hub)
        browser = hub.client()
        assert log_in(browser, USER, CHOSEN["mistyped password"]).status_code != 303
        assert log_in(browser, USER, CHOSEN["user password"]).status_code == 303
        save_notifications(browser)
        connect_by_oauth(browser, pair)
        cli.run("webhooks", "register", "--url", hub.url,
                env={APP_SECRET_ENV: CHOSEN["qbc app secret"]})
        [order_id, _] = place(pair, 2)
        place(pair, 1, unknown_sku_rate=1.0)  # held: an alert for the notify job to send
        synced = cli.run("sync", "--once", "--integration", "default", expect=None)
        assert "deliver" in synced.stdout and "notify" in synced.stdout, synced.output
        api = hub.client(headers={"Authorization": f"Bearer {api_token}"})
        assert api.get("/api/v1/integrations").status_code == 200
        assert visit_everything(browser, api, settings, order_id) >= 60
    reads = [["orders", "show", order_id, "--payload"], ["orders", "show", order_id, "--json"],
             ["orders", "list", "--json"], ["integrations", "--json"], ["user", "list"],
             ["token", "list"], ["inventory", "report", "--json"]]
    for integration in ("default", "oauth"):  # what the CLI shows of what was saved
        reads += [[*command, "--integration", integration]
                  for command in (["config", "show"], ["config", "show", "--json"],
                                  ["webhooks", "status"], ["webhooks", "status", "--json"])]
    for command in reads:
        cli.invoke(*command)
    return api_token


# -- where secrets are looked for ------------------------------------------------------------


def encoded_forms(secret: str) -> dict[str, str]:
    """What ``secret`` looks like written out: itself, hex, and base64 at each of the three
    offsets it may sit at inside a longer encoded blob (only the characters made of the
    secret's bytes alone)."""
    raw = secret.encode()
    forms = {secret: "plain", raw.hex(): "hex", raw.hex().upper(): "HEX"}
    for offset in range(3):
        padded = b"\0" * offset + raw
        whole = len(padded) // 3 * 4
        for name, encode in (("base64", base64.b64encode),
                             ("urlsafe base64", base64.urlsafe_b64encode)):
            forms.setdefault(encode(padded).decode()[4 if offset else 0:whole],
                             f"{name} at offset {offset}")
    return forms


def findings(evidence: dict[str, str], secrets: dict[str, str],
             allowed: dict[str, set[str]] | None = None) -> list[str]:
    """Where a form of a secret turned up: place, secret, form and its surroundings (the
    secret itself replaced)."""
    found = []
    for where, text in evidence.items():
        for name, secret in secrets.items():
            if name in (allowed or {}).get(where, set()):
                continue
            for form, kind in encoded_forms(secret).items():
                at = text.find(form)
                if at >= 0:
                    around = text[max(0, at - 40):at + len(form) + 40].replace(form, "<SECRET>")
                    found.append(f"{where}: {name} ({kind}) in ...{around!r}...")
    return found


def scan_database(url: str) -> dict[str, str]:
    """Every column of every row of every table, as text (bytes decoded leniently)."""
    engine = create_engine(url)
    cells: dict[str, str] = {}
    try:
        tables = MetaData()
        tables.reflect(engine)
        with engine.connect() as connection:
            for table in tables.sorted_tables:
                for number, row in enumerate(connection.execute(select(table))):
                    for column, value in row._mapping.items():
                        text = (value.decode("utf-8", "replace") if isinstance(value, bytes)
                                else str(value))
                        cells[f"{table.name}.{column} row {number}"] = text
    finally:
        engine.dispose()
    return cells


def scan_files(root: Path) -> dict[str, str]:
    """Every byte of every file under ``root`` (the home, the SQLite files, the logs)."""
    return {str(path.relative_to(root)): path.read_bytes().decode("latin-1")
            for path in sorted(root.rglob("*")) if path.is_file()}


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def credentials_by_owner(cells: dict[str, str], key: str) -> dict[tuple[str, str], str]:
    """(integration, connector) -> the decrypted JSON of that credentials row."""
    names = {cells[f"integrations.id row {n}"]: cells[f"integrations.name row {n}"]
             for n in range(len([c for c in cells if c.startswith("integrations.id row")]))}
    box = SecretBox(key)
    rows = len([c for c in cells if c.startswith("credentials.id row")])
    return {(names[cells[f"credentials.integration_id row {n}"]],
             cells[f"credentials.connector row {n}"]):
            box.decrypt(cells[f"credentials.secret row {n}"]) for n in range(rows)}


def assert_the_scan_sees_what_is_shown(answers: dict[str, str]) -> None:
    """Controls: the pages that show saved credentials were seen (their masked tails are
    there), and a value the session cookie carries base64-encoded (the CSRF token) is found."""
    for name in ("houzz token", "qbc token", "smtp password", "alert webhook secret"):
        assert any(mask(CHOSEN[name]) in text for text in answers.values()), name
    csrf = [match.group(1) for text in answers.values() for match in CSRF.finditer(text)][-1]
    cookies = {where: text for where, text in answers.items()
               if f"set-cookie: {SESSION_COOKIE}=" in text}
    assert any("base64" in found for found in findings(cookies, {"csrf token": csrf}))


def test_a_secret_is_found_plain_hex_or_base64_inside_a_longer_blob() -> None:
    secret = CHOSEN["qbc token"]
    for offset in range(3):
        blob = json.dumps({"k" * offset: secret}).encode()
        for text in (base64.b64encode(blob).decode(), base64.urlsafe_b64encode(blob).decode(),
                     blob.hex(), f"token={secret}"):
            assert findings({"blob": f"<{text}>"}, {"qbc token": secret}), (offset, text)
    assert findings({"masked": mask(secret), "other": CHOSEN["smtp password"]},
                    {"qbc token": secret}) == []


def test_after_a_full_run_no_secret_is_anywhere_in_plain_text(
        db_url: str, pair: SandboxPair, tmp_path: Path) -> None:
    scale_out = db_url.startswith("postgresql")
    home = tmp_path / "orderbridge-home"
    env_key = Fernet.generate_key().decode() if scale_out else None
    run_env = {"ORDERBRIDGE_DATABASE_URL": db_url, "ORDERBRIDGE_LOG_LEVEL": "DEBUG",
               "ORDERBRIDGE_LOG_FORMAT": "json" if scale_out else "text"}
    if env_key is not None:
        run_env["ORDERBRIDGE_SECRET_KEY"] = env_key
    cli = RecordingCli(home, settings_env=run_env)
    settings = Settings(home=home, database_url=db_url, secret_key=env_key)
    api_token = full_run(cli, pair, tmp_path / "logs", settings)
    evidence = cli.evidence

    # The key: from the environment (and then in no file), or the key file the hub made.
    key_file = home / "secret.key"
    if env_key is not None:
        key = env_key
        assert not key_file.exists()
    else:
        key = key_file.read_text().strip()
        assert mode_of(key_file) == 0o600
    session_key_file = home / "session.key"
    assert mode_of(session_key_file) == 0o600 and mode_of(home) == 0o700

    # What is at rest is there, encrypted or hashed: the scan looks at the right place.
    evidence.cells = scan_database(db_url)
    stored = credentials_by_owner(evidence.cells, key)
    assert sorted(stored) == [("default", "houzz"), ("default", "qbc"),
                              ("default", "qbc_webhooks"), ("default", "smtp"),
                              ("default", "webhook"), ("oauth", "qbc"),
                              ("oauth", "qbc_webhooks")]
    for (integration, connector), secret in {
            ("default", "houzz"): CHOSEN["houzz token"],
            ("default", "qbc"): CHOSEN["qbc token"],
            ("default", "qbc_webhooks"): CHOSEN["qbc app secret"],
            ("default", "smtp"): CHOSEN["smtp password"],
            ("default", "webhook"): CHOSEN["alert webhook secret"],
            ("oauth", "qbc"): CHOSEN["oauth client secret"],
            ("oauth", "qbc_webhooks"): CHOSEN["oauth client secret"]}.items():
        assert secret in json.loads(stored[integration, connector]).values(), connector
    oauth = json.loads(stored["oauth", "qbc"])
    assert PasswordHasher().verify(evidence.cells["users.password_hash row 0"],
                                   CHOSEN["user password"])
    assert evidence.cells["api_tokens.token_hash row 0"] == hashlib.sha256(
        api_token.encode()).hexdigest()
    assert len([c for c in evidence.cells if c.startswith("orders.channel_payload")]) == 3

    secrets = {**CHOSEN, "api token": api_token, "oauth access token": oauth["access_token"],
               "oauth refresh token": oauth["refresh_token"], "encryption key": key,
               "session key": session_key_file.read_text().strip()}
    assert "QBC webhooks registered at" in evidence.logs["orderbridge serve stderr"]
    # printed once, on purpose, by `orderbridge token create`: its one allowed place
    shown_once = {where: {"api token"} for where in evidence.logs
                  if where.startswith(f"orderbridge token create {TOKEN_NAME}")
                  and where.endswith("stdout")}
    assert findings(evidence.logs, secrets, shown_once) == []
    assert findings(evidence.answers, secrets) == []
    assert_the_scan_sees_what_is_shown(evidence.answers)
    assert findings(evidence.cells, secrets) == []

    # No file holds a secret: only the key files hold their own key, by design.
    evidence.files = scan_files(tmp_path)
    documented = {"orderbridge-home/secret.key": {"encryption key"},
                  "orderbridge-home/session.key": {"session key"}}
    assert findings(evidence.files, secrets, documented) == []
    if not scale_out:  # the raw bytes of the SQLite files were among them
        assert any(USER in text for where, text in evidence.files.items() if ".sqlite3" in where)
