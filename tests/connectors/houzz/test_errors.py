"""Houzz's `Ack` of `Error` as the hub's errors: a refusal always carries words to hold a
record with, even when Houzz's own `Errors` say nothing."""

from __future__ import annotations

import pytest

from orderbridge.connectors.houzz.errors import raise_for_ack
from orderbridge.errors import ConfigurationError, RecordRejected


@pytest.mark.parametrize("errors", [
    [{"Code": "", "Message": ""}], [{"Code": " ", "Message": "\n"}], {"Error": [{}]}, None, [],
])
def test_a_refusal_whose_errors_say_nothing_still_says_why_it_holds(errors: object) -> None:
    # found by the fuzz campaign: empty <Error> elements held the order with an empty reason
    with pytest.raises(RecordRejected) as refused:
        raise_for_ack("updateOrder", "", errors)
    assert refused.value.message == "updateOrder failed without saying why"


def test_blank_errors_are_left_out_of_houzz_words() -> None:
    with pytest.raises(RecordRejected) as refused:
        raise_for_ack("updateOrder", "Error", [{"Code": "", "Message": " "},
                                               {"Code": "E12", "Message": " order is canceled "}])
    assert refused.value.message == "order is canceled"


def test_a_credentials_refusal_pauses() -> None:
    with pytest.raises(ConfigurationError):
        raise_for_ack("getOrders", "Error", [{"Code": "AUTH", "Message": "bad token"}])
