"""No secret in any page, API answer or log line: with both sides connected, the notification
secrets saved and a sync run, every GET route of the app (walked from its own route table, with
real ids filled in) is fetched, and neither a page, nor an answer, nor anything logged while
serving them, holds a credential."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from orderbridge.web.app import create_app
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import place
from tests.web.conftest import PASSWORD, Web, post_form
from tests.web.jobs_flow import connected

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair  # the running Houzz and QBC sandboxes

SMTP_PASSWORD = "smtp-pass-Zq81-secret"
WEBHOOK_SECRET = "webhook-secret-Yx55-0123456789"


def test_no_page_answer_or_log_line_holds_a_secret(web: Web, pair: SandboxPair,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    cli = connected(web, pair)
    [order_id] = place(pair, 1)
    cli.invoke("sync", "--once")
    client = web.logged_in()
    saved = post_form(client, "/notifications", alert_email_to="ops@example.com",
                      alert_email_from="hub@example.com", smtp_host="127.0.0.1",
                      smtp_port="2525", smtp_user="hub", smtp_password=SMTP_PASSWORD,
                      alert_webhook_url="http://127.0.0.1:9/hook",
                      webhook_secret=WEBHOOK_SECRET, alert_batch_minutes="15")
    assert saved.status_code == 303, saved.text[:1000]
    api = web.api()
    secrets = [QBC_TOKEN, HOUZZ_CREDENTIALS["token"], SMTP_PASSWORD, WEBHOOK_SECRET, PASSWORD]
    fill = {"ref": order_id, "name": "default", "job": "download", "token": "x",
            "channel_sku": "HZ-1"}
    fetched = 0
    for route in iter_route_contexts(create_app(web.settings, web.store).routes):
        if isinstance(route.original_route, Mount) or "GET" not in (route.methods or set()):
            continue
        path = re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: fill.get(m.group(1), "1"),
                      route.path or "")
        for answer in (client.get(path), api.get(path)):
            assert answer.status_code < 500, (path, answer.status_code)
            for secret in secrets:
                assert secret not in answer.text, (path, secret[:4])
            fetched += 1
    assert fetched >= 30
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the app and the jobs did log
    for secret in secrets:
        assert secret not in logged, secret[:4]
