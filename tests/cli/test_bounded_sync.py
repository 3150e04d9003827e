"""`sync --once` on the worst night: every server at its worst, it still ends within its
deadlines, prints its table and exits non-zero; one integration's bad answers never stop
another's; and the next run with good servers delivers everything exactly once."""

from __future__ import annotations

import time

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli.conftest import Cli, place, qbc_posts
from tests.cli.test_hostile_answers import connect_through, delivered_once, no_traceback
from tests.hostile_front import Answer, Rule, hostile_front, houzz_call, html_answer, json_answer


def test_every_server_at_its_worst_the_run_still_ends(cli: Cli, pair: SandboxPair) -> None:
    with hostile_front(pair.houzz_url) as houzz, hostile_front(pair.qbc_url) as qbc:
        connect_through(cli, houzz.url, qbc.url)
        for key, value in (("houzz_timeout_s", "2"), ("qbc_timeout_s", "2"),
                           ("retry_base_s", "0")):
            cli.invoke("config", "set", key, value)
        placed = place(pair, 4)
        cli.run("sync", "--once", "--job", "download")  # the orders are in; then the night
        houzz.add(Rule(lambda seen: True, Answer(200, b'{"Ack": "Success", "Orders": []}',
                                                 {"Content-Type": "application/json"},
                                                 trickle_s=0.5)))
        qbc.add(Rule(lambda seen: seen.method == "POST",
                     json_answer({"message": "later"}, 429, headers={"Retry-After": "86400"})))
        qbc.add(Rule(lambda seen: True, Answer(200, b'{"variants": []}', trickle_s=0.5)))
        started = time.monotonic()
        night = cli.run("sync", "--once", expect=1)
        elapsed = time.monotonic() - started
        no_traceback(night)
        print(f"\nevery server at its worst: sync --once ended in {elapsed:.1f} s, exit "
              f"{night.code}")
        assert elapsed < 90, elapsed
        for job in ("download", "cancellations", "deliver", "shipments", "inventory"):
            assert job in night.stdout  # the table, one row per job
        assert "no answer in time" in night.stdout + night.stderr
        assert qbc_posts(pair) == []
        houzz.clear()
        qbc.clear()
        cli.run("sync", "--once", expect=0)
    delivered_once(pair, placed)
    assert len(qbc_posts(pair)) == len(placed)


def test_one_integrations_bad_answers_never_stop_the_others(cli: Cli, pair: SandboxPair) -> None:
    with hostile_front(pair.houzz_url) as houzz:
        connect_through(cli, houzz.url, pair.qbc_url, integration="a-shop")
        connect_through(cli, pair.houzz_url, pair.qbc_url, integration="b-shop")
        houzz.add(Rule(houzz_call("getOrders"), html_answer()))
        placed = place(pair, 2)
        result = cli.run("sync", "--once", "--job", "download", "--job", "deliver", expect=1)
    no_traceback(result)
    assert "a-shop" in result.stdout and "b-shop" in result.stdout
    assert "getOrders answered with something that is not JSON" in result.stderr
    assert "delivered 2" in result.stdout
    delivered_once(pair, placed)
