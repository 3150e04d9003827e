"""The Notifications screen on the real server: settings saved with errors next to the field,
secrets stored but never shown, "Send test" both ways against a real SMTP server and a real
webhook receiver, the outcome in words, and the alerts sent lately."""

from __future__ import annotations

import html
import json
import logging

import httpx
import pytest

from orderbridge.crypto import SecretBox
from orderbridge.store import alerts, integrations
from orderbridge.store.credentials import load_credentials
from orderbridge.workflows.context import open_context
from orderbridge.workflows.notifications.job import notify
from orderbridge.workflows.notifications.webhook import SIGNATURE_HEADER, verify
from tests.web.conftest import Web, post_form
from tests.workflows.notifications.servers import (  # noqa: F401
    MAIL_PASSWORD,
    MAIL_USER,
    SIGNING_SECRET,
    Mailbox,
    Receiver,
    alert_mailbox_server,
    alert_receiver_server,
    free_port,
)

PAGE = "/notifications"


@pytest.fixture
def integration_id(web: Web) -> int:
    with web.store.begin() as session:
        return integrations.get_or_create_integration(session, "default").id


def fields(smtp: Mailbox | None = None, webhook_url: str = "", **values: str) -> dict[str, str]:
    form = {"alert_email_to": "", "smtp_host": "", "smtp_port": "", "smtp_user": "",
            "alert_email_from": "", "alert_webhook_url": webhook_url,
            "alert_batch_minutes": "15", "smtp_password": "", "webhook_secret": ""}
    if smtp is not None:
        form |= {"alert_email_to": "ops@shop.example", "smtp_host": smtp.host,
                 "smtp_port": str(smtp.port)}
    if webhook_url:
        form["webhook_secret"] = SIGNING_SECRET
    return form | values


def save(client: httpx.Client, **form: str) -> httpx.Response:
    return post_form(client, PAGE, **form)


def followed(client: httpx.Client, response: httpx.Response) -> str:
    assert response.status_code == 303, response.text[:500]
    return client.get(response.headers["location"]).text


def test_settings_are_saved_and_secrets_are_never_echoed(
        web: Web, integration_id: int, mailbox: Mailbox, receiver: Receiver) -> None:
    client = web.logged_in()
    page = followed(client, save(client, **fields(mailbox, receiver.url, smtp_user=MAIL_USER,
                                                  smtp_password=MAIL_PASSWORD,
                                                  smtp_starttls="true")))

    assert "Notification settings saved." in page
    assert f'value="{mailbox.port}"' in page and f'value="{receiver.url}"' in page
    assert f"saved (••••{MAIL_PASSWORD[-4:]})" in page
    assert f"saved (••••{SIGNING_SECRET[-4:]})" in page
    assert MAIL_PASSWORD not in page and SIGNING_SECRET not in page
    assert 'id="smtp_password" name="smtp_password" type="password" value=""' in page
    assert 'id="smtp_starttls" name="smtp_starttls" value="true" checked' in page
    with web.store.session() as session:
        stored = integrations.all_settings(session, integration_id)
        smtp = load_credentials(session, integration_id, "smtp",
                                SecretBox.from_settings(web.settings))
    assert (stored["smtp_user"], stored["smtp_starttls"]) == (MAIL_USER, "true")
    assert MAIL_PASSWORD not in json.dumps(stored) and SIGNING_SECRET not in json.dumps(stored)
    assert smtp is not None and smtp.values == {"password": MAIL_PASSWORD}

    # saved again with the secret fields empty: the saved ones stay; unchecked STARTTLS is off
    page = followed(client, save(client, **fields(mailbox, receiver.url, smtp_user=MAIL_USER,
                                                  webhook_secret="")))
    assert f"saved (••••{MAIL_PASSWORD[-4:]})" in page
    assert f"saved (••••{SIGNING_SECRET[-4:]})" in page
    with web.store.session() as session:
        assert integrations.all_settings(session, integration_id)["smtp_starttls"] == "false"


@pytest.mark.parametrize(("form", "field", "words"), [
    ({"smtp_port": "70000"}, "smtp_port", "use a whole number from 1 to 65,535"),
    ({"smtp_port": "abc"}, "smtp_port", "use a whole number from 1 to 65,535"),
    ({"alert_email_to": "ops@shop.example, nobody"}, "alert_email_to",
     "'nobody' is not an email address"),
    ({"alert_webhook_url": "ftp://hooks.shop.example", "webhook_secret": SIGNING_SECRET},
     "alert_webhook_url", "starting with https://"),
    ({"alert_webhook_url": "https://hooks.shop.example/x"}, "webhook_secret",
     "enter a signing secret"),
    ({"alert_webhook_url": "https://hooks.shop.example/x", "webhook_secret": "short"},
     "webhook_secret", "at least 16 characters"),
    ({"alert_batch_minutes": "0"}, "alert_batch_minutes", "from 1 to 1,440"),
    ({"alert_batch_minutes": "100000"}, "alert_batch_minutes", "from 1 to 1,440"),
    ({"smtp_host": "smtp.shop.example:25"}, "smtp_host", "port in smtp_port"),
    ({"alert_email_to": "ops@shop.example"}, "smtp_host", "needed to send email"),
    ({"smtp_host": "smtp.shop.example", "smtp_user": "me"}, "smtp_password",
     "enter the password of this mail user"),
])
def test_bad_settings_are_refused_next_to_the_field_and_nothing_is_saved(
        web: Web, integration_id: int, form: dict[str, str], field: str, words: str) -> None:
    client = web.logged_in()
    response = save(client, **fields(None, "", **form))

    assert response.status_code == 400
    error = response.text.split(f'id="{field}-error">', 1)
    assert len(error) == 2, response.text[:3000]
    assert words in html.unescape(error[1].split("</span>", 1)[0])
    assert "Traceback" not in response.text
    with web.store.session() as session:
        assert integrations.all_settings(session, integration_id) == {}
    for value in form.values():
        if value not in ("short", SIGNING_SECRET):
            assert f'value="{value}"' in response.text or field == "smtp_password"
    assert SIGNING_SECRET not in response.text and 'value="short"' not in response.text


def test_every_bad_field_is_named_at_once(web: Web, integration_id: int) -> None:
    client = web.logged_in()
    response = save(client, **fields(None, "", alert_email_to="ops@shop.example",
                                     smtp_port="99999",
                                     alert_webhook_url="https://hooks.shop.example/x"))
    assert response.status_code == 400
    for field in ("smtp_port", "smtp_host", "webhook_secret"):
        assert f'id="{field}-error"' in response.text, field
    assert 'id="alert_email_to-error"' not in response.text


def test_send_test_email_through_the_page(web: Web, integration_id: int,
                                          mailbox: Mailbox) -> None:
    client = web.logged_in()
    save(client, **fields(mailbox, smtp_user=MAIL_USER, smtp_password=MAIL_PASSWORD))

    page = followed(client, post_form(client, PAGE, "/notifications/test-email"))

    assert "Test email sent to ops@shop.example through 127.0.0.1:" in page
    [message] = mailbox.messages
    assert message["Subject"] == "[orderbridge] default: test message"
    assert "This is a test from orderbridge" in message.get_content()


def test_send_test_webhook_through_the_page(web: Web, integration_id: int,
                                            receiver: Receiver) -> None:
    client = web.logged_in()
    save(client, **fields(webhook_url=receiver.url))

    page = followed(client, post_form(client, PAGE, "/notifications/test-webhook"))

    assert f"Test call accepted by {receiver.url}." in page
    [call] = receiver.calls
    assert json.loads(call.body)["event"] == "test"
    assert call.headers["x-orderbridge-event"] == "test"
    assert verify(SIGNING_SECRET, call.body, call.headers[SIGNATURE_HEADER.lower()])
    assert not verify("some-other-secret-123456", call.body,
                      call.headers[SIGNATURE_HEADER.lower()])


def test_send_test_says_what_went_wrong(web: Web, integration_id: int, mailbox: Mailbox,
                                        receiver: Receiver) -> None:
    client = web.logged_in()
    test_email = "/notifications/test-email"
    test_webhook = "/notifications/test-webhook"

    page = followed(client, post_form(client, PAGE, test_email))
    assert "email is not set up" in page

    receiver.status = 500
    save(client, **fields(mailbox, receiver.url, smtp_port=str(free_port())))
    assert "connection refused by 127.0.0.1:" in followed(client,
                                                          post_form(client, PAGE, test_email))
    assert "HTTP 500 from the receiver" in followed(client,
                                                    post_form(client, PAGE, test_webhook))
    receiver.status = 401
    assert "HTTP 401 from the receiver" in followed(client,
                                                    post_form(client, PAGE, test_webhook))

    save(client, **fields(mailbox, smtp_user=MAIL_USER, smtp_password="wrong-password-4321"))
    page = followed(client, post_form(client, PAGE, test_email))
    assert "authentication failed" in page and "wrong-password-4321" not in page
    assert mailbox.messages == []

    save(client, **fields(webhook_url=f"http://127.0.0.1:{free_port()}/hook"))
    assert "connection refused by 127.0.0.1:" in followed(client,
                                                          post_form(client, PAGE, test_webhook))


def test_the_alerts_sent_lately_are_listed(web: Web, integration_id: int,
                                           receiver: Receiver) -> None:
    client = web.logged_in()
    save(client, **fields(webhook_url=receiver.url))
    with web.store.begin() as session:
        alerts.add_alert(session, integration_id, kind="paused",
                         message="QuickBooks Commerce refused the token (401)")
        alerts.add_alert(session, integration_id, kind="unknown_sku",
                         message="Order 1001: SKU LIN-1 is unknown")
    assert "No alert has been sent yet." in client.get(PAGE).text

    ctx = open_context(web.store, web.settings)
    try:
        notify(ctx)
    finally:
        ctx.close()

    page = client.get(PAGE).text
    table = page.split('id="recent-notifications"', 1)[1]
    assert "QuickBooks Commerce refused the token (401)" in table
    assert "Order 1001: SKU LIN-1 is unknown" in table
    assert "urgent" in table


def test_no_secret_in_any_page_or_log(web: Web, integration_id: int, mailbox: Mailbox,
                                      receiver: Receiver,
                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = web.logged_in()
    pages = [save(client, **fields(mailbox, receiver.url, smtp_user=MAIL_USER,
                                   smtp_password=MAIL_PASSWORD))]
    pages.append(save(client, **fields(mailbox, receiver.url, smtp_port="0",
                                       smtp_password=MAIL_PASSWORD)))  # refused: shown again
    receiver.status = 500
    for action in ("/notifications/test-email", "/notifications/test-webhook"):
        response = post_form(client, PAGE, action)
        pages += [response, client.get(response.headers["location"])]
    for path in ("/", PAGE, "/alerts", "/connections"):
        pages.append(client.get(path))
    pages.append(web.api().get("/api/v1/integrations"))

    assert pages[1].status_code == 400
    for response in pages:
        for secret in (MAIL_PASSWORD, SIGNING_SECRET):
            assert secret not in response.text, response.url
    for secret in (MAIL_PASSWORD, SIGNING_SECRET):
        assert secret not in caplog.text
