"""`orderbridge connect` refuses what can never work before any call and before anything is
stored: credentials an HTTP header cannot carry, base URLs that are not plain http(s)."""

from __future__ import annotations

import pytest

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from tests.cli.conftest import Cli

H = HOUZZ_CREDENTIALS


def refused_before_anything(cli: Cli, pair: SandboxPair, *args: str, stdin: str | None = None,
                            env: dict[str, str] | None = None) -> str:
    """The one error line of `orderbridge ARGS`, checked to have stored and sent nothing."""
    result = cli.invoke(*args, expect=1, stdin=stdin, env=env)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert not cli.home.exists()  # no database, no key file
    assert pair.calls("houzz") == [] and pair.calls("qbc") == []
    return lines[0]


def houzz(pair: SandboxPair, token: str = H["token"], username: str = H["username"],
          app_name: str = H["app_name"]) -> list[str]:
    return ["connect", "houzz", "--token", token, "--username", username, "--app-name", app_name,
            "--base-url", pair.houzz_url]


@pytest.mark.parametrize(("token", "message"), [
    ("tökén-1234", "Error: the token holds 'ö', which an HTTP header cannot carry (only plain "
                   "ASCII); copy it again from the app page in QuickBooks Commerce"),
    ("abc\ndef", "Error: the token is on more than one line; paste it on one line"),
    ("abc\x07def", "Error: the token holds 'U+0007', which an HTTP header cannot carry"),
    ("  ", "Error: the token is empty; copy it from the app page in QuickBooks Commerce"),
])
def test_a_qbc_token_a_header_cannot_carry_is_refused(cli: Cli, pair: SandboxPair, token: str,
                                                      message: str) -> None:
    line = refused_before_anything(cli, pair, "connect", "qbc", "--token", token, "--base-url",
                                   pair.qbc_url)
    assert line.startswith(message)
    assert token.strip() not in line or not token.strip()  # a token is never echoed whole


def test_the_prompt_and_the_environment_are_checked_too(cli: Cli, pair: SandboxPair) -> None:
    prompted = refused_before_anything(cli, pair, "connect", "qbc", "--base-url", pair.qbc_url,
                                       stdin="Žeton\n")
    assert "the token holds 'Ž'" in prompted
    from_env = refused_before_anything(cli, pair, "connect", "qbc", "--base-url", pair.qbc_url,
                                       env={"ORDERBRIDGE_QBC_TOKEN": "a\u00a0b"})
    assert "the token holds" in from_env


@pytest.mark.parametrize(("args", "message"), [
    ({"token": "naïve"}, "Error: the token holds 'ï'"),
    ({"username": "sëller"}, "Error: the user name holds 'ë', which an HTTP header cannot "
                             "carry (only plain ASCII); copy it again from Houzz Seller Central"),
    ({"username": "sel\nler"}, "Error: the user name is on more than one line"),
    ({"app_name": " "}, "Error: the app name is empty; copy it from Houzz Seller Central > "
                        "Settings > API"),
])
def test_houzz_credentials_a_header_cannot_carry_are_refused(
        cli: Cli, pair: SandboxPair, args: dict[str, str], message: str) -> None:
    assert refused_before_anything(cli, pair, *houzz(pair, **args)).startswith(message)


@pytest.mark.parametrize(("url", "message"), [
    ("https://seller:hunter2@api.houzz.example", "Error: the base URL holds a user name or "
     "password (user:pass@host); give the URL without them, and the credentials with --token"),
    ("ftp://api.example.com", "Error: the base URL 'ftp://api.example.com' is not an http:// or "
     "https:// URL with a host (e.g. https://api.tradegecko.com)"),
    ("api.example.com", "is not an http:// or https:// URL with a host"),
    ("https://", "is not an http:// or https:// URL with a host"),
    ("http://127.0.0.1:99999", "has a port that is not a number from 1 to 65535"),
    ("https://api.example.com/v1?token=x", "a query (?...) or a fragment (#...)"),
    ("https://api.example.com/" + "v" * 500, "characters long; at most 500 fit"),
])
def test_a_base_url_that_is_not_plain_http_is_refused(cli: Cli, pair: SandboxPair, url: str,
                                                      message: str) -> None:
    line = refused_before_anything(cli, pair, "connect", "qbc", "--token", QBC_TOKEN,
                                   "--base-url", url)
    assert message in line
    assert "hunter2" not in line


def test_a_location_id_out_of_bounds_is_refused_before_the_call(cli: Cli,
                                                                pair: SandboxPair) -> None:
    line = refused_before_anything(cli, pair, "connect", "qbc", "--token", QBC_TOKEN,
                                   "--base-url", pair.qbc_url, "--location-id", "0")
    assert line == ("Error: location_id = '0' is not allowed: Input should be greater than or "
                    "equal to 1 (allowed: 1 or more)")


def test_good_credentials_with_spaces_around_still_connect(cli: Cli, pair: SandboxPair) -> None:
    cli.invoke(*houzz(pair, token=f" {H['token']} ", username=f"{H['username']} "))
    shown = cli.invoke("config", "show", "--json").json()
    assert shown["connections"]["houzz"]["credentials"]["username"] == H["username"]
