"""`Retry-After` in both RFC 9110 forms, and the bounds of one exchange."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from orderbridge.connectors.exchange import exchange, retry_after_seconds
from orderbridge.errors import ConfigurationError, TransientError

NOW = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 5 ", 5.0), ("0", 0.0), ("1.5", 1.5),
    ("Wed, 02 Dec 2026 12:01:30 GMT", 90.0),
    ("Wed, 02 Dec 2026 11:00:00 GMT", 0.0),  # a date in the past: no wait
    ("Wednesday, 02-Dec-26 12:00:10 GMT", 10.0),  # the obsolete RFC 850 form
])
def test_both_forms_are_read(value: str, seconds: float) -> None:
    assert retry_after_seconds(value, NOW) == pytest.approx(seconds)


@pytest.mark.parametrize("value", [None, "", "nan", "inf", "-5", "soon", "Wed, 99 Foo 2026",
                                   "1e999"])
def test_garbage_is_no_instruction(value: str | None) -> None:
    assert retry_after_seconds(value, NOW) is None


def _client(answer: httpx.Response) -> httpx.Client:
    return httpx.Client(base_url="http://remote.test",
                        transport=httpx.MockTransport(lambda request: answer))


def test_a_redirect_is_a_configuration_problem_naming_where() -> None:
    client = _client(httpx.Response(302, headers={"Location": "https://elsewhere.test/api"}))
    with pytest.raises(ConfigurationError, match="redirects to https://elsewhere.test/api"):
        exchange(client, "Remote", "GET", "/api", timeout_s=5)


def test_a_body_over_the_bound_is_refused() -> None:
    client = _client(httpx.Response(200, content=b"x" * 2048))
    with pytest.raises(TransientError, match="answered more than"):
        exchange(client, "Remote", "GET", "/api", timeout_s=5, max_body=1024)
    assert exchange(_client(httpx.Response(200, content=b"x" * 1024)), "Remote", "GET", "/api",
                    timeout_s=5, max_body=1024).content == b"x" * 1024


def test_a_body_that_does_not_decode_is_transient() -> None:
    client = _client(httpx.Response(200, stream=httpx.ByteStream(b"plain"),
                                    headers={"Content-Encoding": "gzip"}))
    with pytest.raises(TransientError, match="does not decode"):
        exchange(client, "Remote", "GET", "/api", timeout_s=5, what="getOrders")
