"""The `notify` job against a real SMTP server and a real webhook receiver: new alerts go out
batched (one email, one POST for all of them), urgent ones at once, each exactly once after
success, and a receiver that is down loses nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

import pytest

from orderbridge.clock import FrozenClock
from orderbridge.store import alerts, integrations
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.notifications.failures import NotificationFailed
from orderbridge.workflows.notifications.job import notify
from orderbridge.workflows.notifications.webhook import SIGNATURE_HEADER, verify
from orderbridge.workflows.pause import pause
from tests.workflows.notifications.conftest import configure, notified, raise_alert
from tests.workflows.notifications.servers import (
    MAIL_PASSWORD,
    MAIL_USER,
    SIGNING_SECRET,
    Mailbox,
    Receiver,
    free_port,
)

THREE = [("unknown_sku", "Order 1001: SKU LIN-1 is not in QuickBooks Commerce"),
         ("unmapped_ship_code", "Order 1002: shipping code FEDEX_2DAY has no mapping"),
         ("bad_address", "Order 1003: the ship-to ZIP code is missing")]


def raise_three(ctx: IntegrationContext) -> None:
    for kind, message in THREE:
        raise_alert(ctx, kind, message)


def test_three_alerts_make_one_email_and_one_post_after_the_batch_window(
        ctx: IntegrationContext, clock: FrozenClock, mailbox: Mailbox,
        receiver: Receiver) -> None:
    configure(ctx, smtp=mailbox, webhook_url=receiver.url, alert_batch_minutes="15")
    raise_three(ctx)

    early = notify(ctx)
    assert (early.seen, early.emailed, early.posted) == (3, 0, 0)
    assert (mailbox.messages, receiver.calls) == ([], [])
    clock.advance(14 * 60)
    assert notify(ctx).seen == 3 and not mailbox.messages and not receiver.calls
    clock.advance(60)
    result = notify(ctx)

    assert (result.emailed, result.posted, result.notified) == (3, 3, 3)
    [message] = mailbox.messages
    assert message["Subject"] == "[orderbridge] default: 3 new alerts"
    assert message["To"] == "ops@shop.example, owner@shop.example"
    assert sorted(mailbox.envelopes[0][1]) == ["ops@shop.example", "owner@shop.example"]
    text = message.get_content()
    for _, words in THREE:
        assert words in text
    [call] = receiver.calls
    document = json.loads(call.body)
    assert document["event"] == "alerts" and document["integration"] == "default"
    assert [a["message"] for a in document["alerts"]] == [words for _, words in THREE]
    assert call.headers["content-type"] == "application/json"
    assert all(when == clock.now() for when in notified(ctx).values())


def test_nothing_is_sent_twice_after_success(ctx: IntegrationContext, clock: FrozenClock,
                                             mailbox: Mailbox, receiver: Receiver) -> None:
    configure(ctx, smtp=mailbox, webhook_url=receiver.url, alert_batch_minutes="1")
    raise_three(ctx)
    clock.advance(60)
    notify(ctx)
    for _ in range(3):
        clock.advance(3600)
        again = notify(ctx)
        assert (again.seen, again.emailed, again.posted) == (0, 0, 0)
    assert (len(mailbox.messages), len(receiver.calls)) == (1, 1)

    raise_alert(ctx, "void_refused", "QuickBooks Commerce refused to void order SO-7")
    clock.advance(60)
    notify(ctx)  # only the new one goes, in a message of its own
    assert len(mailbox.messages) == 2
    assert "SO-7" in mailbox.messages[1].get_content()
    assert "LIN-1" not in mailbox.messages[1].get_content()
    assert len(json.loads(receiver.calls[1].body)["alerts"]) == 1


def test_urgent_alerts_go_at_once_with_whatever_waits(ctx: IntegrationContext,
                                                      mailbox: Mailbox,
                                                      receiver: Receiver) -> None:
    configure(ctx, smtp=mailbox, webhook_url=receiver.url, alert_batch_minutes="60")
    raise_alert(ctx, "unknown_sku", "Order 1001: SKU LIN-1 is not in QuickBooks Commerce")
    assert notify(ctx).emailed == 0 and not mailbox.messages
    with ctx.store.begin() as session:
        pause(session, ctx, "QuickBooks Commerce refused the token (401): reconnect")

    result = notify(ctx)  # no time has passed: the window is far from over

    assert (result.emailed, result.posted) == (2, 2)
    [message] = mailbox.messages
    assert message["Subject"] == ("[orderbridge] default: URGENT: integration paused "
                                  "(and 1 more alert)")
    assert "refused the token" in message.get_content()
    alerts_sent = json.loads(receiver.calls[0].body)["alerts"]
    assert [(a["kind"], a["urgent"]) for a in alerts_sent] == [("unknown_sku", False),
                                                               ("paused", True)]


def test_canceled_after_ship_is_urgent(ctx: IntegrationContext, receiver: Receiver) -> None:
    configure(ctx, webhook_url=receiver.url, alert_batch_minutes="1440")
    raise_alert(ctx, "canceled_after_ship", "Houzz order 1584 was canceled after it shipped")
    assert notify(ctx).posted == 1
    assert json.loads(receiver.calls[0].body)["alerts"][0]["urgent"] is True


def test_the_signature_verifies_with_the_secret_and_fails_with_another(
        ctx: IntegrationContext, receiver: Receiver) -> None:
    configure(ctx, webhook_url=receiver.url, secret=SIGNING_SECRET)
    raise_alert(ctx, "paused", "the Houzz token was revoked")
    notify(ctx)
    [call] = receiver.calls
    header = call.headers[SIGNATURE_HEADER.lower()]
    expected = hmac.new(SIGNING_SECRET.encode(), call.body, hashlib.sha256).hexdigest()
    assert header == f"sha256={expected}"
    assert verify(SIGNING_SECRET, call.body, header)
    assert not verify("another-secret-0123456789", call.body, header)
    assert not verify(SIGNING_SECRET, call.body.replace(b"revoked", b"REVOKED"), header)


def test_a_receiver_down_is_retried_at_the_next_run_and_nothing_is_lost(
        ctx: IntegrationContext, clock: FrozenClock, mailbox: Mailbox,
        receiver: Receiver) -> None:
    configure(ctx, smtp=mailbox, webhook_url=receiver.url, alert_batch_minutes="1")
    raise_three(ctx)
    clock.advance(60)
    receiver.status = 503

    with pytest.raises(NotificationFailed) as failed:
        notify(ctx)

    assert "HTTP 503 from the receiver" in str(failed.value)
    assert len(mailbox.messages) == 1  # the email went; the webhook did not
    assert set(notified(ctx).values()) == {None}
    clock.advance(60)
    with pytest.raises(NotificationFailed):
        notify(ctx)  # still down: tried again, the email is not sent again
    assert len(mailbox.messages) == 1

    receiver.status = 200
    clock.advance(60)
    result = notify(ctx)

    assert (result.emailed, result.posted, result.notified) == (0, 3, 3)
    assert len(mailbox.messages) == 1
    [call] = receiver.received
    assert len(json.loads(call.body)["alerts"]) == 3
    assert [c.headers["x-orderbridge-delivery"] for c in receiver.calls] == (
        [call.headers["x-orderbridge-delivery"]] * 3)  # a receiver can drop repeats
    assert None not in notified(ctx).values()
    clock.advance(3600)
    assert notify(ctx).seen == 0


def test_a_mail_server_down_is_retried_at_the_next_run(
        ctx: IntegrationContext, clock: FrozenClock, mailbox: Mailbox) -> None:
    configure(ctx, smtp=mailbox, smtp_port=str(free_port()))
    raise_alert(ctx, "paused", "the QuickBooks Commerce subscription lapsed")
    with pytest.raises(NotificationFailed) as failed:
        notify(ctx)
    assert "connection refused by 127.0.0.1:" in str(failed.value)
    assert notified(ctx) == {"paused": None}

    configure(ctx, smtp=mailbox)
    clock.advance(60)
    assert notify(ctx).emailed == 1
    assert "subscription lapsed" in mailbox.messages[0].get_content()


def test_a_login_is_used_and_a_wrong_password_is_said_in_words(
        ctx: IntegrationContext, mailbox: Mailbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    configure(ctx, smtp=mailbox, smtp_user=MAIL_USER, password="not-the-password-123")
    raise_alert(ctx, "paused", "the Houzz token was revoked")
    with pytest.raises(NotificationFailed) as failed:
        notify(ctx)
    assert "authentication failed" in str(failed.value)
    assert "not-the-password-123" not in str(failed.value)

    configure(ctx, smtp=mailbox, smtp_user=MAIL_USER, password=MAIL_PASSWORD)
    assert notify(ctx).emailed == 1
    assert mailbox.messages[0]["From"] == MAIL_USER
    for secret in ("not-the-password-123", MAIL_PASSWORD):
        assert secret not in caplog.text


def test_an_alert_resolved_before_its_batch_is_not_sent(
        ctx: IntegrationContext, clock: FrozenClock, receiver: Receiver) -> None:
    configure(ctx, webhook_url=receiver.url, alert_batch_minutes="5")
    first = raise_alert(ctx, "unknown_sku", "Order 1001: SKU LIN-1 is unknown")
    raise_alert(ctx, "bad_address", "Order 1003: the ship-to ZIP code is missing")
    with ctx.store.begin() as session:
        alerts.resolve_alert(session, first)  # the merchant added the alias: it flowed
    clock.advance(300)
    notify(ctx)
    [call] = receiver.calls
    assert [a["kind"] for a in json.loads(call.body)["alerts"]] == ["bad_address"]


def test_without_a_channel_nothing_is_sent_or_marked(ctx: IntegrationContext,
                                                     clock: FrozenClock) -> None:
    raise_alert(ctx, "paused", "the Houzz token was revoked")
    result = notify(ctx)
    assert (result.seen, result.emailed, result.posted) == (0, 0, 0)
    assert notified(ctx) == {"paused": None}


def test_no_secret_is_logged_or_stored_as_a_setting(
        ctx: IntegrationContext, clock: FrozenClock, mailbox: Mailbox, receiver: Receiver,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    configure(ctx, smtp=mailbox, webhook_url=receiver.url, smtp_user=MAIL_USER,
              password=MAIL_PASSWORD)
    raise_alert(ctx, "paused", "the Houzz token was revoked")
    notify(ctx)
    receiver.status = 500
    raise_alert(ctx, "canceled_after_ship", "Houzz order 1584 was canceled after it shipped")
    with pytest.raises(NotificationFailed):
        notify(ctx)
    with ctx.store.session() as session:
        stored = integrations.all_settings(session, ctx.integration_id)
    for secret in (MAIL_PASSWORD, SIGNING_SECRET):
        assert secret not in caplog.text
        assert secret not in json.dumps(stored)
        assert all(secret not in message.as_string() for message in mailbox.messages)
        assert all(secret.encode() not in call.body for call in receiver.calls)
