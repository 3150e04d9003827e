"""Log lines: JSON with the integration, job and order they are about, the secrets masked
whatever way they slipped in; and the real `orderbridge sync --once` logging that way."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from orderbridge.logs import LOGGER, configure_logging, log_context, redact
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from orderbridge.settings import Settings
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import Cli, place

sandboxes, pair, cli = cli_fixtures.sandboxes, cli_fixtures.pair, cli_fixtures.cli

API_TOKEN = "obt_" + "Q" * 43
FERNET_KEY = "k" * 43 + "="


@pytest.mark.parametrize("text, secret", [
    ("Authorization: Bearer abcdef1234567890XYZ", "abcdef1234567890XYZ"),
    ("GET /x?token=sandbox-token&page=2", "sandbox-token"),
    ("headers {'X-HOUZZ-API-SSL-TOKEN': 'houzz-secret-value'}", "houzz-secret-value"),
    ('body {"password": "correct horse battery"}', "correct"),
    ('sent {\\"refresh_token\\": \\"rt-1234567890abcdef\\"}', "rt-1234567890abcdef"),
    ("client_secret=s3cr3t-s3cr3t", "s3cr3t-s3cr3t"),
    (f"a token {API_TOKEN} in passing", API_TOKEN),
    (f"key {FERNET_KEY}", FERNET_KEY),
    ("jwt eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl", "eyJzdWIiOi"),
])
def test_what_looks_like_a_secret_is_masked(text: str, secret: str) -> None:
    masked = redact(text)
    assert secret not in masked
    assert "••••" in masked


@pytest.mark.parametrize("text", [
    "the access token was refused by QuickBooks Commerce",
    "delivered 3 orders, held 1 (SKU SOFA-22 unknown)",
    "download job of default failed: Houzz: getOrders answered HTTP 500",
])
def test_ordinary_lines_stay_as_they_are(text: str) -> None:
    assert redact(text) == text


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging(Settings(log_format="json", log_level="DEBUG"), stream)
    yield stream
    logging.getLogger(LOGGER).removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_event_is_one_json_line_with_its_context(json_lines: io.StringIO) -> None:
    log = logging.getLogger("orderbridge.workflows.test")
    log.info("outside any job")
    with log_context(integration="acme", integration_id=7, job="deliver"):
        log.warning("order %s held", "H-1", extra={"order_id": 42})
        with log_context(job="notify"):
            log.info("inner")
    first, held, inner = lines(json_lines)
    assert first["message"] == "outside any job" and "integration" not in first
    assert held["message"] == "order H-1 held" and held["level"] == "WARNING"
    assert held["logger"] == "orderbridge.workflows.test" and held["time"].endswith("+00:00")
    assert (held["integration"], held["integration_id"], held["job"], held["order_id"]) == (
        "acme", 7, "deliver", 42)
    assert (inner["integration"], inner["job"]) == ("acme", "notify")


def test_secrets_are_masked_in_the_message_the_fields_and_the_traceback(
        json_lines: io.StringIO) -> None:
    log = logging.getLogger("orderbridge.connectors.test")
    log.warning("calling with headers %s", {"Authorization": f"Bearer {QBC_TOKEN}-abcdef"},
                extra={"request": f"token={API_TOKEN}"})
    try:
        raise RuntimeError(f"refused password={HOUZZ_CREDENTIALS['token']}")
    except RuntimeError:
        log.exception("it failed")
    written = json_lines.getvalue()
    assert QBC_TOKEN not in written and API_TOKEN not in written
    assert HOUZZ_CREDENTIALS["token"] not in written
    warning, failure = lines(json_lines)
    assert warning["message"].startswith("calling with headers {'Authorization': 'Bearer ••••")
    assert warning["request"].startswith("token=••••")
    assert "RuntimeError: refused password=••••" in failure["exc_info"]


def test_configuring_again_replaces_the_handler() -> None:
    logger = logging.getLogger(LOGGER)
    first = configure_logging(Settings(), io.StringIO())
    second = configure_logging(Settings(log_level="WARNING"), io.StringIO())
    try:
        assert first not in logger.handlers and second in logger.handlers
        assert logger.level == logging.WARNING
    finally:
        logger.removeHandler(second)


def test_sync_once_logs_json_lines_with_the_integration_and_no_token(
        cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, "acme")
    place(pair, 2)
    pair.set_faults("houzz", error_rate=1.0)  # the download fails: a warning is logged
    result = cli.run("sync", "--once", expect=1, env={"ORDERBRIDGE_LOG_FORMAT": "json",
                                                      "ORDERBRIDGE_LOG_LEVEL": "debug"})
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert events, result.stderr
    assert all(event["integration"] == "acme" and event["job"] for event in events)
    assert any(event["job"] == "download" and event["level"] == "WARNING"
               and "HTTP 500" in event["message"] for event in events)
    for secret in (QBC_TOKEN, *HOUZZ_CREDENTIALS.values()):
        assert secret not in result.stderr
    assert "stopped by an error" in result.stdout  # the table still goes to stdout


def test_an_unknown_log_format_is_refused_in_words(cli: Cli) -> None:
    result = cli.run("sync", "--once", expect=1, env={"ORDERBRIDGE_LOG_FORMAT": "xml"})
    assert "invalid ORDERBRIDGE_* setting: log_format" in result.stderr
    assert "Traceback" not in result.stderr
