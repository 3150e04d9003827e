"""The jobs screen and ``/api/v1/jobs``: the history of real runs, Run now through the real
job registry against the sandboxes, and the lease that keeps a job from running twice."""

from __future__ import annotations

import html

from orderbridge.runtime import lease
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.store import job_runs, leases
from orderbridge.store.integrations import get_integration, get_or_create_integration
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import place, qbc_orders
from tests.web.conftest import Web, post_form
from tests.web.jobs_flow import JOB_NAMES, connected, flashes, history_rows, run_now

OTHER = "elsewhere.example:4242:feedbeef"
"""A holder on another host: never judged dead by this one."""

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair
"""The sandbox fixtures of the CLI tests, used here as they are."""


def integration_id(web: Web, name: str = "default") -> int:
    with web.store.session() as session:
        row = get_integration(session, name)
        assert row is not None
        return row.id


def test_run_now_runs_the_job_and_the_history_shows_it(web: Web, pair: SandboxPair) -> None:
    cli = connected(web, pair)
    place(pair, 2)
    cli.invoke("sync", "--once", "--job", "download")
    client = web.logged_in()
    page = client.get("/jobs")
    assert all(f'id="run-{job}"' in page.text for job in JOB_NAMES)
    assert history_rows(page) == [("download", "once")]

    after = run_now(client, "deliver")
    assert any("The deliver job ran: delivered 2" in message for message in flashes(after))
    assert history_rows(after) == [("deliver", "web"), ("download", "once")]
    assert len(qbc_orders(pair)) == 2
    with web.store.session() as session:
        runs = job_runs.list_runs(session, integration_id(web), "deliver")
    assert [(run.trigger, run.counts["delivered"]) for run in runs] == [("web", 2)]

    only = client.get("/jobs", params={"job": "download"})
    assert history_rows(only) == [("download", "once")]
    again = run_now(client, "deliver")  # nothing left: it runs, and says so
    assert any("nothing to do" in message for message in flashes(again))
    assert len(qbc_orders(pair)) == 2


def test_a_job_another_process_runs_is_not_run_twice(web: Web, pair: SandboxPair) -> None:
    cli = connected(web, pair)
    place(pair, 1)
    cli.invoke("sync", "--once", "--job", "download")
    lease.take(web.store, integration_id(web), "deliver", holder=OTHER)
    client = web.logged_in()
    page = run_now(client, "deliver")
    messages = [html.unescape(message) for message in flashes(page)]
    assert any("did not run: running in another process" in m and OTHER in m
               for m in messages), messages
    assert qbc_orders(pair) == []
    assert history_rows(page) == [("download", "once")]  # a skipped run is no run

    api = web.api()
    busy = api.post("/api/v1/jobs/deliver/run")
    assert busy.status_code == 409 and "running in another process" in busy.json()["error"]
    with web.store.begin() as session:  # the other process ends
        leases.release(session, integration_id(web), "deliver", OTHER)
    assert api.post("/api/v1/jobs/deliver/run").json()["counts"]["delivered"] == 1
    assert len(qbc_orders(pair)) == 1


def test_the_history_is_paged(web: Web, pair: SandboxPair) -> None:
    connected(web, pair)
    client = web.logged_in()
    for _ in range(27):
        run_now(client, "cancellations")
    first = client.get("/jobs")
    assert len(history_rows(first)) == 25 and "Page 1 of 2 · 27 runs" in first.text
    second = client.get("/jobs", params={"page": 2})
    assert len(history_rows(second)) == 2 and 'id="page-newer"' in second.text


def test_bad_input_on_the_jobs_screen_is_told_not_a_500(web: Web, pair: SandboxPair) -> None:
    connected(web, pair)
    client = web.logged_in()
    unknown = client.get("/jobs", params={"job": "sweep"})
    assert unknown.status_code == 400 and 'id="filter-job-error"' in unknown.text
    assert client.get("/jobs", params={"page": "x"}).status_code == 400
    assert client.get("/jobs", params={"page": 0}).status_code == 400
    refused = post_form(client, "/jobs", "/jobs/sweep/run")
    assert refused.status_code == 404 and "There is no job named" in refused.text


def test_the_api_lists_and_runs_jobs(web: Web, pair: SandboxPair) -> None:
    cli = connected(web, pair)
    place(pair, 1)
    api = web.api()
    ran = api.post("/api/v1/jobs/download/run", params={"integration": "default"})
    assert ran.status_code == 200, ran.text
    assert ran.json()["counts"]["new"] == 1 and ran.json()["error"] is None
    cli.invoke("sync", "--once", "--job", "deliver")
    runs = api.get("/api/v1/jobs", params={"integration": "default"}).json()
    assert [(run["job"], run["trigger"]) for run in runs] == [("deliver", "once"),
                                                             ("download", "web")]
    assert runs[0]["counts"]["delivered"] == 1 and runs[0]["integration"] == "default"
    only = api.get("/api/v1/jobs", params={"job": "download", "limit": 1}).json()
    assert [run["job"] for run in only] == ["download"]

    assert api.post("/api/v1/jobs/sweep/run").status_code == 404
    assert "no job named" in api.get("/api/v1/jobs", params={"job": "sweep"}).json()["error"]
    missing = api.get("/api/v1/jobs", params={"integration": "nobody"})
    assert missing.status_code == 404 and "nobody" in missing.json()["error"]
    assert api.post("/api/v1/jobs/deliver/run",
                    params={"integration": "nobody"}).status_code == 404
    assert api.get("/api/v1/jobs", params={"limit": 501}).status_code == 422
    assert api.get("/api/v1/jobs", params={"limit": 0}).status_code == 422


def test_a_run_without_connections_fails_in_words(web: Web) -> None:
    with web.store.begin() as session:
        get_or_create_integration(session, "default")
    answer = web.api().post("/api/v1/jobs/download/run")
    assert answer.status_code == 200
    assert "has no houzz connection yet" in answer.json()["error"]
