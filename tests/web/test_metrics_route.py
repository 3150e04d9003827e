"""``GET /metrics`` of the running web app after real job runs against the sandboxes: the job
counters, the delivery latency, the store's gauges, and who may scrape them (the token, or
loopback only)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from cryptography.fernet import Fernet
from prometheus_client.parser import text_string_to_metric_families

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from orderbridge.settings import Settings
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import place
from tests.web.conftest import Web, serve
from tests.web.jobs_flow import connected, run_now

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair

METRICS_TOKEN = "metrics-token-for-tests-0123456789"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(response: httpx.Response) -> Samples:
    """Every sample of a scrape, by name and labels (parsed as Prometheus parses it)."""
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/plain; version=")
    found: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_the_metrics_count_real_runs_and_read_the_store(web: Web, pair: SandboxPair) -> None:
    connected(web, pair)
    scraper = web.client()  # Prometheus: no login, on loopback
    before = samples(scraper.get("/metrics"))
    place(pair, 3)
    client = web.logged_in()
    run_now(client, "download")
    run_now(client, "deliver")
    pair.set_faults("houzz", error_rate=1.0)  # Houzz answers 500 to everything
    run_now(client, "download")
    pair.set_faults("houzz", error_rate=0.0)

    after = samples(scraper.get("/metrics"))
    ran = {job: value(after, "orderbridge_jobs_run_total", job=job, integration="default")
           - value(before, "orderbridge_jobs_run_total", job=job, integration="default")
           for job in ("download", "deliver")}
    assert ran == {"download": 2, "deliver": 1}
    failed = (value(after, "orderbridge_jobs_failed_total", job="download", integration="default")
              - value(before, "orderbridge_jobs_failed_total", job="download",
                      integration="default"))
    assert failed == 1
    assert value(after, "orderbridge_jobs_failed_total", job="deliver",
                 integration="default") == value(before, "orderbridge_jobs_failed_total",
                                                 job="deliver", integration="default")
    delivered = (value(after, "orderbridge_delivery_latency_seconds_count")
                 - value(before, "orderbridge_delivery_latency_seconds_count"))
    assert delivered == 3
    latency = (value(after, "orderbridge_delivery_latency_seconds_sum")
               - value(before, "orderbridge_delivery_latency_seconds_sum"))
    assert 0 < latency < 3 * 120  # seconds between the two runs of this test, per order
    assert value(after, "orderbridge_orders", integration="default", status="at_wms") == 3
    assert value(after, "orderbridge_orders", integration="default", status="new") == 0
    assert value(after, "orderbridge_qbc_calls_in_window", integration="default") >= 3
    assert value(after, "orderbridge_qbc_calls_allowed_in_window") == 300
    assert value(after, "orderbridge_integration_paused", integration="default") == 0
    assert value(after, "orderbridge_store_readable") == 1
    assert value(after, "process_resident_memory_bytes") > 0


def test_the_metrics_hold_no_secret(web: Web, pair: SandboxPair) -> None:
    connected(web, pair)
    place(pair, 1)
    run_now(web.logged_in(), "download")
    text = web.client().get("/metrics").text
    assert "orderbridge_jobs_run_total" in text
    for secret in (QBC_TOKEN, *HOUZZ_CREDENTIALS.values()):
        assert secret not in text.replace('integration="default"', "")


def test_without_a_token_only_direct_loopback_clients_are_served(web: Web) -> None:
    client = web.client()
    assert client.get("/metrics").status_code == 200
    for header in ("X-Forwarded-For", "X-Real-IP"):  # through a proxy: maybe from anywhere
        refused = client.get("/metrics", headers={header: "203.0.113.7"})
        assert refused.status_code == 403, header
        assert "ORDERBRIDGE_METRICS_TOKEN" in refused.text
        assert "orderbridge_jobs_run_total" not in refused.text
    forwarded = client.get("/metrics", headers={"Forwarded": "for=203.0.113.7"})
    assert forwarded.status_code == 403


@pytest.fixture
def guarded(web_settings: Settings) -> Iterator[Web]:
    settings = Settings(home=web_settings.home, secret_key=Fernet.generate_key().decode(),
                        metrics_token=METRICS_TOKEN)
    yield from serve(settings)


def test_with_a_token_every_scrape_needs_it(guarded: Web) -> None:
    client = guarded.client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": METRICS_TOKEN},
                    {"Authorization": f"Basic {METRICS_TOKEN}"}):
        refused = client.get("/metrics", headers=headers)  # from loopback, yet refused
        assert refused.status_code == 401, headers
        assert refused.headers["www-authenticate"] == "Bearer"
        assert "orderbridge_" not in refused.text and METRICS_TOKEN not in refused.text
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}",
                                         "X-Forwarded-For": "203.0.113.7"})
    assert value(samples(ok), "orderbridge_store_readable") == 1
    assert METRICS_TOKEN not in ok.text


def test_a_user_session_is_not_enough_without_the_token(guarded: Web) -> None:
    assert guarded.logged_in().get("/metrics").status_code == 401
