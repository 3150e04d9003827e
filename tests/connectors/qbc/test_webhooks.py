"""Reading QBC webhook deliveries: the signature over the raw bytes, the body's fields."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderbridge.connectors.qbc.webhooks import (
    UnreadableDelivery,
    delivery_from,
    signature_of,
    signed_by,
)
from orderbridge.sandbox.qbc.webhook_delivery import sign

BODY = b'{"object_id":12,"event":"fulfillment.fulfilled","timestamp":1546272000,' \
       b'"resource_url":"https://api.tradegecko.com/fulfillments/12.json"}'


def test_the_signature_is_the_one_the_sandbox_signs_with() -> None:
    assert signature_of("s3cret", BODY) == sign("s3cret", BODY)
    assert signed_by("s3cret", BODY, sign("s3cret", BODY))
    assert signed_by("s3cret", BODY, " " + sign("s3cret", BODY) + "\n")  # whitespace stripped


@given(st.binary(max_size=200), st.text(min_size=1, max_size=20))
def test_any_other_body_secret_or_signature_is_refused(body: bytes, secret: str) -> None:
    good = signature_of(secret, body)
    assert signed_by(secret, body, good)
    assert not signed_by(secret, body + b" ", good)
    assert not signed_by(secret + "x", body, good)
    assert not signed_by(secret, body, None)
    assert not signed_by(secret, body, "")
    assert not signed_by("", body, signature_of("", body))  # no secret: nothing verifies


def test_the_body_names_the_event_and_record_plural_spelling_included() -> None:
    delivery = delivery_from(BODY)
    assert (delivery.event, delivery.object_id, delivery.timestamp) == (
        "fulfillment.fulfilled", 12, 1546272000)
    plural = delivery_from(b'{"object_id":"7","event":"fulfillments.create"}')
    assert (plural.event, plural.object_id, plural.resource_url) == ("fulfillment.create", 7, "")


@pytest.mark.parametrize("body", [b"", b"not json", b"[1]", b'{"event":"order.create"}',
                                  b'{"object_id":1}', b'{"object_id":-1,"event":"x.y"}',
                                  b'{"object_id":99999999999999999999,"event":"order.create"}'])
def test_a_body_that_names_no_record_is_unreadable(body: bytes) -> None:
    with pytest.raises(UnreadableDelivery):
        delivery_from(body)


@pytest.mark.parametrize("timestamp", [-274877906945, 0, 4398046511104, 2**70])
def test_a_timestamp_that_is_no_moment_is_read_as_none(timestamp: int) -> None:
    # found by the fuzz campaign: the web app answered 500 (datetime.fromtimestamp raised)
    body = b'{"object_id":7,"event":"order.create","timestamp":%d}' % timestamp
    delivery = delivery_from(body)
    assert (delivery.event, delivery.object_id, delivery.timestamp) == ("order.create", 7, None)
