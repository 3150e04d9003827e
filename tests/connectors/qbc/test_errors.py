"""QBC's answers as the hub's errors: each says what was asked and how QBC answered."""

from __future__ import annotations

import httpx
import pytest

from orderbridge.connectors.qbc.errors import raise_for_status
from orderbridge.errors import NotFound, RecordRejected, RemoteError


def _answer(status: int, body: bytes) -> httpx.Response:
    return httpx.Response(status, content=body, request=httpx.Request("GET", "http://qbc/x"))


def test_a_404_says_what_was_asked_and_that_qbc_answered_404() -> None:
    # found by the fuzz campaign: the message was only "GET /accounts/current: {...}"
    with pytest.raises(NotFound) as missing:
        raise_for_status(_answer(404, b'{"account": {}}'), "GET /accounts/current")
    assert missing.value.message == "GET /accounts/current answered HTTP 404: {'account': {}}"


def test_a_422_refuses_the_record_in_qbc_words() -> None:
    with pytest.raises(RecordRejected) as refused:
        raise_for_status(_answer(422, b'{"errors": {"reference_number": ["is taken"]}}'),
                         "POST /orders")
    assert refused.value.message == "reference_number is taken"


def test_a_422_to_a_read_says_what_was_asked() -> None:
    # found by the fuzz campaign: a read answered 422 "7" failed with "QuickBooks Commerce: 7"
    with pytest.raises(RemoteError) as failed:
        raise_for_status(_answer(422, b"7"), "GET /fulfillments")
    assert not isinstance(failed.value, RecordRejected)
    assert failed.value.message == "GET /fulfillments answered HTTP 422: 7"
