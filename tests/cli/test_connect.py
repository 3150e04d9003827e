"""`orderbridge connect`: credentials are tested before they are saved, and saved encrypted."""

from __future__ import annotations

import socket

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from tests.cli.conftest import Cli

HOUZZ_SECRET = "houzz-secret-token-7f3a9c1e"
QBC_SECRET = "qbc-secret-token-42d1b8e0"


def houzz_args(pair: SandboxPair, token: str, username: str = HOUZZ_CREDENTIALS["username"],
               base_url: str | None = None) -> list[str]:
    return ["connect", "houzz", "--token", token, "--username", username,
            "--app-name", HOUZZ_CREDENTIALS["app_name"], "--base-url", base_url or pair.houzz_url]


def add_houzz_credential(pair: SandboxPair, token: str, permissions: list[str]) -> None:
    pair.control("houzz", "credentials", {
        "token": token, "username": HOUZZ_CREDENTIALS["username"],
        "app_name": HOUZZ_CREDENTIALS["app_name"], "permissions": permissions})


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_connect_saves_credentials_encrypted_and_never_shows_a_token(cli: Cli,
                                                                     pair: SandboxPair) -> None:
    add_houzz_credential(pair, HOUZZ_SECRET, ["List and process orders",
                                              "Update product inventory"])
    pair.control("qbc", "tokens", {"token": QBC_SECRET})
    houzz = cli.run(*houzz_args(pair, HOUZZ_SECRET))
    assert "Houzz connected for integration 'default'" in houzz.stdout
    assert "List and process orders: allowed" in houzz.stdout
    qbc = cli.run("connect", "qbc", "--base-url", pair.qbc_url, "--location-id", "1",
                  env={"ORDERBRIDGE_QBC_TOKEN": QBC_SECRET})
    assert "QuickBooks Commerce connected" in qbc.stdout
    assert "Sandbox Home Goods" in qbc.stdout  # the account the token belongs to
    shown = cli.invoke("config", "show", "--json").json()
    assert shown["connections"]["houzz"]["credentials"]["username"] == "sandbox-seller"
    assert shown["connections"]["qbc"]["base_url"] == pair.qbc_url
    assert shown["settings"]["location_id"] == {**shown["settings"]["location_id"],
                                                "value": "1", "set": True}
    everything = houzz.output + qbc.output + cli.invoke("config", "show").output + str(shown)
    data = cli.database_bytes()
    assert data  # the database exists and holds the credentials...
    for secret in (HOUZZ_SECRET, QBC_SECRET):
        assert secret not in everything
        assert secret.encode() not in data  # ...encrypted
        assert secret[-4:] in everything  # masked: only the tail shows


def test_a_bad_token_saves_nothing(cli: Cli, pair: SandboxPair) -> None:
    result = cli.invoke(*houzz_args(pair, "not-a-token"), expect=1)
    assert "nothing saved" in result.stderr
    assert "not recognised" in result.stderr
    assert "not-a-token" not in result.output
    qbc = cli.invoke("connect", "qbc", "--token", "not-a-token-either", "--base-url",
                     pair.qbc_url, expect=1)
    assert "access token was refused" in qbc.stderr
    assert cli.invoke("integrations", "--json").json() == []


def test_a_missing_permission_is_named_and_nothing_saved(cli: Cli, pair: SandboxPair) -> None:
    add_houzz_credential(pair, HOUZZ_SECRET, ["List and process orders"])
    result = cli.invoke(*houzz_args(pair, HOUZZ_SECRET), expect=1)
    assert "lack the 'Update product inventory' permission" in result.stderr
    assert cli.invoke("integrations", "--json").json() == []


def test_an_unreachable_host_saves_nothing(cli: Cli, pair: SandboxPair) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    houzz = cli.run(*houzz_args(pair, HOUZZ_CREDENTIALS["token"], base_url=url), expect=1)
    assert "cannot reach 127.0.0.1" in houzz.stderr
    assert "Traceback" not in houzz.stderr
    qbc = cli.invoke("connect", "qbc", "--token", QBC_TOKEN, "--base-url", url, expect=1)
    assert "cannot reach 127.0.0.1" in qbc.stderr
    assert cli.invoke("integrations", "--json").json() == []


def test_a_failed_reconnect_keeps_the_working_credentials(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    cli.invoke("connect", "qbc", "--token", "wrong-token", "--base-url", pair.qbc_url, expect=1)
    shown = cli.invoke("config", "show", "--json").json()
    assert shown["connections"]["qbc"]["credentials"]["token"].endswith(QBC_TOKEN[-4:])


def test_the_token_can_be_typed_at_a_hidden_prompt(cli: Cli, pair: SandboxPair) -> None:
    result = cli.invoke("connect", "qbc", "--base-url", pair.qbc_url, "--integration", "acme",
                        stdin=f"{QBC_TOKEN}\n")
    assert "QuickBooks Commerce connected for integration 'acme'" in result.stdout
    assert QBC_TOKEN not in result.stdout
    integrations = cli.invoke("integrations", "--json").json()
    assert [(i["name"], i["connected"]) for i in integrations] == [("acme", ["qbc"])]


def test_an_unknown_location_is_refused(cli: Cli, pair: SandboxPair) -> None:
    result = cli.invoke("connect", "qbc", "--token", QBC_TOKEN, "--base-url", pair.qbc_url,
                        "--location-id", "999", expect=1)
    assert "location 999 is not one of this account's locations" in result.stderr
