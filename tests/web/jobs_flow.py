"""The `orderbridge` command on the web app's own store (same home, same secret key), so a
test connects an integration and runs jobs as a merchant's terminal would, then looks at the
pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli.conftest import Cli, Result
from tests.web.conftest import Web

JOB_NAMES = ("download", "cancellations", "deliver", "shipments", "inventory")


@dataclass
class WebCli(Cli):
    """`Cli` with the web's secret key, so both read the credentials the other saved."""

    secret_key: str = ""

    def env(self, **extra: str) -> dict[str, str]:
        return super().env(ORDERBRIDGE_SECRET_KEY=self.secret_key, **extra)

    def invoke(self, *args: str, expect: int | None = 0, stdin: str | None = None,
               env: dict[str, str] | None = None) -> Result:
        return super().invoke(*args, expect=expect, stdin=stdin,
                              env={"ORDERBRIDGE_SECRET_KEY": self.secret_key, **(env or {})})


def cli_of(web: Web) -> WebCli:
    secret = web.settings.secret_key
    assert secret is not None
    return WebCli(web.settings.home, secret.get_secret_value())


def connected(web: Web, pair: SandboxPair, integration: str = "default") -> WebCli:
    cli = cli_of(web)
    cli.connect(pair, integration, in_process=True)
    return cli


def run_now(client: httpx.Client, job: str, integration: str = "default") -> httpx.Response:
    """Press "Run now" for ``job`` on the jobs screen; the page it redirects to."""
    page = client.get("/jobs", params={"integration": integration})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(f"/jobs/{job}/run", params={"integration": integration},
                         data={"csrf_token": token.group(1)})
    assert answer.status_code == 303, answer.text[:500]
    return client.get(answer.headers["location"])


def history_rows(page: httpx.Response) -> list[tuple[str, str]]:
    """``(job, trigger)`` of each run the jobs screen lists, newest first."""
    return re.findall(r'<tr class="job-run" data-job="([a-z]+)" data-trigger="([a-z]+)">',
                      page.text)


def flashes(page: httpx.Response) -> list[str]:
    return re.findall(r'<p class="flash [a-z]+" role="status">([^<]*)</p>', page.text)
