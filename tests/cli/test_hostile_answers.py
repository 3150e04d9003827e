"""Every remote answer has an outcome, never a traceback: the real `orderbridge sync --once`
against the sandboxes behind a hostile front (tests/hostile_front.py) that answers some
calls as an adversary would. After each bad night, a run with good servers delivers
everything exactly once."""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from tests.cli.conftest import Cli, Result, place, qbc_orders, qbc_posts
from tests.hostile_front import (
    ENTITY_BOMB,
    EXTERNAL_ENTITY,
    Answer,
    HostileFront,
    Rule,
    Seen,
    hostile_front,
    houzz_call,
    html_answer,
    json_answer,
    qbc_call,
)
from tests.workflows.shipments.helpers import houzz_order, ship, ship_calls


@pytest.fixture
def houzz_front(pair: SandboxPair) -> Iterator[HostileFront]:
    with hostile_front(pair.houzz_url) as front:
        yield front


@pytest.fixture
def qbc_front(pair: SandboxPair) -> Iterator[HostileFront]:
    with hostile_front(pair.qbc_url) as front:
        yield front


def connect_through(cli: Cli, houzz_url: str, qbc_url: str,
                    integration: str = "default") -> None:
    h = HOUZZ_CREDENTIALS
    cli.invoke("connect", "houzz", "--token", h["token"], "--username", h["username"],
               "--app-name", h["app_name"], "--base-url", houzz_url, "--integration", integration)
    cli.invoke("connect", "qbc", "--token", QBC_TOKEN, "--base-url", qbc_url,
               "--integration", integration)


@pytest.fixture
def hub(cli: Cli, houzz_front: HostileFront, qbc_front: HostileFront) -> Cli:
    connect_through(cli, houzz_front.url, qbc_front.url)
    cli.invoke("config", "set", "retry_base_s", "0")  # a retried order is due at once
    return cli


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output, result.output


def delivered_once(pair: SandboxPair, placed: list[str]) -> None:
    references = Counter(order["reference_number"] for order in qbc_orders(pair))
    assert sorted(references) == sorted(placed) and set(references.values()) == {1}


def sync(cli: Cli, *jobs: str, expect: int | None = None, full: bool = False) -> Result:
    args = ["sync", "--once", *[f"--job={job}" for job in jobs]] + (["--full"] if full else [])
    result = cli.run(*args, expect=expect)
    no_traceback(result)
    return result


# -- waits are bounded -----------------------------------------------------------------------

def test_a_retry_after_of_a_day_ends_the_run_and_the_next_run_delivers(
        hub: Cli, pair: SandboxPair, qbc_front: HostileFront) -> None:
    placed = place(pair, 3)
    qbc_front.add(Rule(qbc_call("POST", "/orders"),
                       json_answer({"message": "slow down"}, 429,
                                   headers={"Retry-After": "86400"})))
    started = time.monotonic()
    night = sync(hub, "download", "deliver", expect=1)
    assert time.monotonic() - started < 30
    assert "longer than max_wait_s" in night.stderr
    qbc_front.clear()
    sync(hub, "deliver", expect=0)
    delivered_once(pair, placed)
    assert len(qbc_posts(pair)) == 3


def test_max_wait_s_is_the_merchants_to_set(hub: Cli, pair: SandboxPair,
                                            qbc_front: HostileFront) -> None:
    """A 20 s Retry-After is waited out under the default 300 s; under max_wait_s 5 it ends the
    run at once, and the stderr names the setting's value."""
    placed = place(pair, 1)
    hub.invoke("config", "set", "max_wait_s", "5")
    qbc_front.add(Rule(qbc_call("POST", "/orders"),
                       json_answer({"message": "slow down"}, 429, headers={"Retry-After": "20"})))
    started = time.monotonic()
    night = sync(hub, "download", "deliver", expect=1)
    assert time.monotonic() - started < 15
    assert "longer than max_wait_s (5 s)" in night.stderr
    qbc_front.clear()
    sync(hub, "deliver", expect=0)
    delivered_once(pair, placed)


def test_a_rate_limit_reset_years_ahead_ends_the_run(
        hub: Cli, pair: SandboxPair, qbc_front: HostileFront) -> None:
    placed = place(pair, 2)
    years = str(int(time.time()) + 10 * 365 * 86400)

    def exhausted(seen: Seen, upstream: httpx.Response) -> Answer:
        return Answer(upstream.status_code, upstream.content, {
            "Content-Type": "application/json", "X-Rate-Limit-Limit": "300",
            "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": years})

    qbc_front.add(Rule(qbc_call("GET", "/variants"), rewrite=exhausted))
    started = time.monotonic()
    night = sync(hub, "download", "deliver", expect=1)
    assert time.monotonic() - started < 30
    assert "X-Rate-Limit-Reset" in night.stderr and "max_wait_s" in night.stderr
    assert qbc_posts(pair) == []  # the POSTs never left: nothing to look up later
    qbc_front.clear()
    sync(hub, "deliver", expect=0)
    delivered_once(pair, placed)


@pytest.mark.parametrize("value", ["nan", "-5", "soon", "Wed, 99 Foo 2026 25:00:00 GMT"])
def test_an_unreadable_retry_after_is_ignored(hub: Cli, pair: SandboxPair,
                                              houzz_front: HostileFront,
                                              qbc_front: HostileFront, value: str) -> None:
    placed = place(pair, 1)
    houzz_front.add(Rule(houzz_call("getOrders"),
                         json_answer({"Ack": "Error"}, 503, headers={"Retry-After": value})))
    night = sync(hub, "download", expect=1)
    assert "getOrders answered HTTP 503" in night.stderr
    houzz_front.clear()
    sync(hub, "download", expect=0)
    qbc_front.add(Rule(qbc_call("POST", "/orders"), json_answer(
        {"message": "busy"}, 503, headers={"Retry-After": value}), times=1))
    sync(hub, "deliver", expect=0)  # retried at once (backoff), delivered
    delivered_once(pair, placed)


def test_a_retry_after_as_an_http_date_is_honoured(hub: Cli, pair: SandboxPair,
                                                   qbc_front: HostileFront) -> None:
    placed = place(pair, 1)
    sync(hub, "download", expect=0)
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    qbc_front.add(Rule(qbc_call("POST", "/orders"),
                       json_answer({"message": "busy"}, 429, headers={"Retry-After": when}),
                       times=1))
    started = time.monotonic()
    sync(hub, "deliver", expect=0)
    assert time.monotonic() - started >= 1.5  # waited for the date, then sent once more
    delivered_once(pair, placed)


# -- paging that never ends ------------------------------------------------------------------

def test_a_houzz_that_ignores_start_is_stopped(hub: Cli, pair: SandboxPair,
                                               houzz_front: HostileFront) -> None:
    hub.invoke("config", "set", "houzz_page_size", "2")
    placed = place(pair, 5)
    houzz_front.add(Rule(houzz_call("getOrders"),
                         rewrite_query=lambda query: {**query, "Start": "0"}))
    before = len(houzz_front.seen)
    night = sync(hub, "download", expect=1)
    assert "answered the same page again at Start=1" in night.stderr
    assert [s.houzz_method for s in houzz_front.seen[before:]] == ["getOrders"] * 2
    houzz_front.clear()
    sync(hub, "download", "deliver", expect=0)
    delivered_once(pair, placed)


def test_a_qbc_that_says_more_pages_for_ever_is_stopped(hub: Cli, pair: SandboxPair,
                                                        qbc_front: HostileFront) -> None:
    page = {"variants": [{"id": n, "sku": f"LOOP-{n}", "status": "active"}
                         for n in range(1, 251)]}
    qbc_front.add(Rule(qbc_call("GET", "/variants"), json_answer(
        page, headers={"X-Pagination": json.dumps({"last_page": False})})))
    before = len(qbc_front.seen)
    night = sync(hub, "inventory", expect=1)
    assert "GET /variants answered the same page again at page 2" in night.stderr
    assert [s.path for s in qbc_front.seen[before:] if s.path == "/variants"] == ["/variants"] * 2


# -- bodies that are not what they say --------------------------------------------------------

NOT_GZIP = Answer(200, b'{"Ack": "Success", "Orders": []}',
                  {"Content-Type": "application/json", "Content-Encoding": "gzip"})
TRUNCATED = Answer(200, b'{"Ack": "Success", "Orders": [{"OrderId": "1',
                   {"Content-Type": "application/json"})
BAD_BODIES = {"gzip header, plain body": (NOT_GZIP, "does not decode"),
              "truncated JSON": (TRUNCATED, "not JSON"),
              "HTML with 200": (html_answer(), "not JSON")}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_a_body_that_is_not_what_it_says_is_a_clear_error(
        hub: Cli, pair: SandboxPair, houzz_front: HostileFront, qbc_front: HostileFront,
        case: str) -> None:
    answer, words = BAD_BODIES[case]
    placed = place(pair, 1)
    houzz_front.add(Rule(houzz_call("getOrders"), answer))
    qbc_front.add(Rule(qbc_call("GET", "/variants"), answer))
    night = sync(hub, "download", "inventory", expect=1)
    assert "Houzz: getOrders" in night.stderr and words in night.stderr
    assert "QuickBooks Commerce" in night.stderr
    houzz_front.clear()
    qbc_front.clear()
    sync(hub, "download", "deliver", expect=0)
    delivered_once(pair, placed)


def test_a_gzip_bomb_and_a_50_mb_answer_are_refused_unread(
        hub: Cli, houzz_front: HostileFront, qbc_front: HostileFront) -> None:
    bomb = gzip.compress(b" " * (64 * 1024 * 1024))
    houzz_front.add(Rule(houzz_call("getOrders"), Answer(200, bomb, {
        "Content-Type": "application/json", "Content-Encoding": "gzip"})))
    qbc_front.add(Rule(qbc_call("GET", "/variants"),
                       Answer(200, b"[" + b" " * (50 * 1024 * 1024) + b"]",
                              {"Content-Type": "application/json"})))
    night = sync(hub, "download", "inventory", expect=1)
    assert night.stderr.count("answered more than 16 MB") >= 2


def test_a_seller_with_no_orders_can_connect_and_sync(cli: Cli, pair: SandboxPair,
                                                      houzz_front: HostileFront,
                                                      qbc_front: HostileFront) -> None:
    houzz_front.add(Rule(houzz_call("getOrders"), json_answer({"Ack": "Success"})))
    connect_through(cli, houzz_front.url, qbc_front.url)
    assert "pages 1" in sync(cli, "download", expect=0).stdout


# -- QBC answers ------------------------------------------------------------------------------

def test_an_order_created_without_its_id_in_the_answer_is_looked_up_not_resent(
        hub: Cli, pair: SandboxPair, qbc_front: HostileFront) -> None:
    placed = place(pair, 1)
    qbc_front.add(Rule(qbc_call("POST", "/orders"),
                       Answer(201, b'{"order": {}}', {"Content-Type": "application/json"},
                              forward_first=True)))
    sync(hub, "download", "deliver")
    assert len(qbc_posts(pair)) == 1 and len(qbc_orders(pair)) == 1  # created, answer lost
    qbc_front.clear()
    sync(hub, "deliver", expect=0)
    delivered_once(pair, placed)
    assert len(qbc_posts(pair)) == 1  # found by lookup, never sent again


def test_unreadable_variant_records_are_skipped_and_counted(hub: Cli, pair: SandboxPair,
                                                            qbc_front: HostileFront) -> None:
    def spoiled(seen: Seen, upstream: httpx.Response) -> Answer:
        body = upstream.json()
        body["variants"] += ["junk", {"id": "abc", "sku": "NOPE"},
                             {"id": 999999, "sku": "HUGE", "stock_on_hand": "1e400"}]
        return json_answer(body)

    qbc_front.add(Rule(qbc_call("GET", "/variants"), rewrite=spoiled))
    result = sync(hub, "inventory", expect=0)
    assert "unreadable 3" in result.stdout and "pushed 20" in result.stdout


def test_a_listing_count_that_is_no_number_does_not_stop_a_full_push(
        hub: Cli, pair: SandboxPair, houzz_front: HostileFront) -> None:
    def lots(seen: Seen, upstream: httpx.Response) -> Answer:
        return json_answer({**upstream.json(), "TotalListingCount": "lots"})

    houzz_front.add(Rule(houzz_call("getListings"), rewrite=lots))
    result = sync(hub, "inventory", expect=0, full=True)
    assert "pushed 20" in result.stdout


def test_fulfillments_listed_without_their_lines_are_still_confirmed(
        hub: Cli, pair: SandboxPair, qbc_front: HostileFront) -> None:
    [houzz_id] = place(pair, 1)
    sync(hub, "download", "deliver", expect=0)
    [order] = qbc_orders(pair)
    ship(pair, order["id"])

    def without_lines(seen: Seen, upstream: httpx.Response) -> Answer:
        body = upstream.json()
        body.pop("fulfillment_line_items", None)
        for fulfillment in body.get("fulfillments", []):
            fulfillment.pop("fulfillment_line_items", None)
            assert fulfillment["fulfillment_line_item_ids"]
        return json_answer(body)

    qbc_front.add(Rule(qbc_call("GET", "/fulfillments"), rewrite=without_lines))
    result = sync(hub, "shipments", expect=0)
    assert "confirmed 1" in result.stdout
    assert any(s.path == "/fulfillment_line_items" for s in qbc_front.seen)
    assert houzz_order(pair, houzz_id)["Status"] == "Shipped"


# -- Houzz writes whose outcome the answer does not say ----------------------------------------

def _delivered_and_shipped(hub: Cli, pair: SandboxPair) -> str:
    [houzz_id] = place(pair, 1)
    sync(hub, "download", "deliver", expect=0)
    [order] = qbc_orders(pair)
    ship(pair, order["id"])
    return houzz_id


def test_an_update_order_answered_with_html_is_read_back_not_taken_as_refused(
        hub: Cli, pair: SandboxPair, houzz_front: HostileFront) -> None:
    houzz_id = _delivered_and_shipped(hub, pair)
    houzz_front.add(Rule(houzz_call("updateOrder"),
                         Answer(200, b"<html><body>OK</body></html>",
                                {"Content-Type": "text/html"}, forward_first=True)))
    result = sync(hub, "shipments", expect=0)
    assert "confirmed 1" in result.stdout and "held" not in result.stdout
    assert houzz_order(pair, houzz_id)["Status"] == "Shipped"
    assert len(ship_calls(pair)) == 1  # read back, not sent again


@pytest.mark.parametrize("document", [ENTITY_BOMB, EXTERNAL_ENTITY], ids=["bomb", "external"])
def test_xml_entities_in_an_answer_are_refused_and_the_order_waits(
        hub: Cli, pair: SandboxPair, houzz_front: HostileFront, document: bytes) -> None:
    houzz_id = _delivered_and_shipped(hub, pair)
    houzz_front.add(Rule(houzz_call("updateOrder"),
                         Answer(200, document, {"Content-Type": "text/xml"})))
    result = sync(hub, "shipments", expect=0)
    assert "retrying 1" in result.stdout
    orders = hub.invoke("orders", "list", "--json").json()
    assert [o["status"] for o in orders] == ["shipped"]
    houzz_front.clear()
    sync(hub, "shipments", expect=0)
    assert houzz_order(pair, houzz_id)["Status"] == "Shipped"
    assert len(ship_calls(pair)) == 1


# -- who is asking: credentials and addresses -------------------------------------------------

@pytest.mark.parametrize("side", ["houzz", "qbc"])
def test_a_401_with_an_html_body_pauses_the_integration(
        hub: Cli, pair: SandboxPair, houzz_front: HostileFront, qbc_front: HostileFront,
        side: str) -> None:
    place(pair, 1)
    if side == "houzz":
        houzz_front.add(Rule(houzz_call("getOrders"), html_answer(401)))
        job = "download"
    else:
        hub.run("sync", "--once", "--job", "download")
        qbc_front.add(Rule(lambda seen: True, html_answer(401)))
        job = "deliver"
    night = sync(hub, job, expect=1)
    assert "is paused" in night.stderr
    [row] = hub.invoke("integrations", "--json").json()
    assert row["paused"]


def test_a_base_url_that_redirects_says_where_to(cli: Cli, pair: SandboxPair,
                                                 houzz_front: HostileFront,
                                                 qbc_front: HostileFront) -> None:
    connect_through(cli, houzz_front.url, qbc_front.url)
    houzz_front.add(Rule(houzz_call("getOrders"), Answer(
        301, b"", {"Location": "https://api.houzz.example/api"})))
    night = sync(cli, "download", expect=1)
    assert "the base URL redirects to https://api.houzz.example/api" in night.stderr

