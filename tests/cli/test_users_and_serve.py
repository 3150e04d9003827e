"""`orderbridge user add`, `orderbridge token create|list|revoke` and `orderbridge serve`, as an
operator runs them: the real command in a subprocess, the real server answering on loopback."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time

import httpx

from tests.cli.conftest import Cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_user_add_takes_the_password_from_the_environment_never_an_argument(cli: Cli) -> None:
    added = cli.run("user", "add", "ann", env={"ORDERBRIDGE_PASSWORD": "a long password"})
    assert added.stdout.strip() == "User 'ann' added."
    again = cli.run("user", "add", "ann", env={"ORDERBRIDGE_PASSWORD": "another password"})
    assert "has a new password" in again.stdout
    short = cli.run("user", "add", "bob", env={"ORDERBRIDGE_PASSWORD": "short"}, expect=1)
    assert "at least 8 characters" in short.stderr and "Traceback" not in short.output
    listed = cli.run("user", "list")
    assert "ann" in listed.stdout and "bob" not in listed.stdout
    assert "a long password" not in cli.database_bytes().decode("latin-1")


def test_a_token_is_shown_once_works_on_the_api_and_stops_when_revoked(cli: Cli) -> None:
    made = cli.run("token", "create", "erp")
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("obt_") and len(token) > 40
    assert token not in cli.run("token", "list").stdout
    assert "erp" in cli.run("token", "list").stdout
    assert "exists" in cli.run("token", "create", "erp", expect=1).stderr
    with served(cli) as url:
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/api/v1/integrations", headers=headers).status_code == 200
        cli.run("token", "revoke", "erp")
        refused = httpx.get(f"{url}/api/v1/integrations", headers=headers)
        assert refused.status_code == 401
    assert "no token named" in cli.run("token", "revoke", "erp", expect=1).stderr


class served:  # a context manager read as a phrase: `with served(cli) as url`
    """`orderbridge serve` on a free port until the block ends (Ctrl-C), its output kept."""

    def __init__(self, cli: Cli) -> None:
        self.cli, self.port, self.output = cli, free_port(), ""

    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "orderbridge", "serve", "--port", str(self.port)],
            env=self.cli.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/login", timeout=1)
                return url
            except httpx.TransportError:
                assert self.process.poll() is None, self.process.communicate()
                time.sleep(0.1)
        raise AssertionError("orderbridge serve did not answer within 30 s")

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            rest, _ = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.output += self.process.communicate()[0]
            raise
        self.output += rest
        assert self.process.returncode == 0, self.output


def test_serve_prints_a_setup_link_that_makes_the_first_user(cli: Cli) -> None:
    server = served(cli)
    with server as url:
        client = httpx.Client(base_url=url)
        assert client.get("/").status_code == 303  # anonymous: to the login page
        deadline = time.monotonic() + 10
        link = None
        while link is None and time.monotonic() < deadline:  # the banner comes before uvicorn
            line = server.process.stdout.readline() if server.process.stdout else ""
            server.output += line
            match = re.search(r"(http://localhost:\d+/setup/\S+)", line)
            link = match.group(1).replace("localhost", "127.0.0.1") if match else None
        assert link is not None, server.output
        page = client.get(link)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        made = client.post(link, data={"name": "ann", "password": "a long password",
                                       "csrf_token": token.group(1)})
        assert made.status_code == 303
        assert client.get("/").status_code == 200
        assert client.get(link).status_code == 404  # used up
        client.close()
    assert f"orderbridge web app: http://localhost:{server.port}/" in server.output


def test_user_add_without_a_password_to_read_says_how_to_give_one(cli: Cli) -> None:
    # found by the fuzz campaign: with stdin closed the command only said "Aborted."
    refused = cli.run("user", "add", "ann", stdin="", expect=1)
    assert "no password was typed; type it when asked, or set ORDERBRIDGE_PASSWORD" in (
        refused.stderr)
    assert "ann" not in cli.run("user", "list").stdout
