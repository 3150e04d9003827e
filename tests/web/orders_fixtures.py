"""The Orders tests' world: the web app of `tests.web.conftest` with its default integration
connected to the sandboxes, and the real `orderbridge` command on the same home and secret key,
so orders arrive the way they do in production (`sync --once`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli.conftest import Cli, Result, pair, place, sandboxes
from tests.web.conftest import Web, csrf_of

__all__ = ["Hub", "hub", "pair", "sandboxes"]

ROW_REF = re.compile(r'<tr class="order-row" data-cust-ref="([^"]*)"')


@dataclass
class Hub:
    """The running app, the command on its home, the sandboxes."""

    web: Web
    cli: Cli
    pair: SandboxPair

    def sync(self, *jobs: str) -> Result:
        args = [arg for job in jobs for arg in ("--job", job)]
        return self.cli.invoke("sync", "--once", *args)

    def place(self, count: int, **options: Any) -> list[str]:
        return place(self.pair, count, **options)

    def orders(self) -> dict[str, dict[str, Any]]:
        """`orderbridge orders list --json`, by Houzz OrderId."""
        listed = self.cli.invoke("orders", "list", "--limit", "1000", "--json").json()
        return {order["houzz_order_id"]: order for order in listed}

    def show(self, ref: str) -> dict[str, Any]:
        document: dict[str, Any] = self.cli.invoke("orders", "show", ref, "--json").json()
        return document


def listed_refs(page: httpx.Response) -> list[str]:
    """The cust_refs of the rows of an orders list page, in order."""
    return ROW_REF.findall(page.text)


def act(client: httpx.Client, ref: str, action: str) -> httpx.Response:
    """Press an action's button on the order's detail page (its form, its CSRF token)."""
    detail = client.get(f"/orders/{ref}")
    assert detail.status_code == 200, detail.text[:500]
    match = re.search(rf'action="([^"]+)" class="inline" id="{action}-form"', detail.text)
    assert match is not None, detail.text[:2000]
    return client.post(match.group(1).replace("&amp;", "&"),
                       data={"csrf_token": csrf_of(detail)})


@pytest.fixture
def hub(web: Web, pair: SandboxPair, monkeypatch: pytest.MonkeyPatch) -> Hub:
    assert web.settings.secret_key is not None
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", web.settings.secret_key.get_secret_value())
    cli = Cli(web.settings.home)
    cli.connect(pair, in_process=True)
    return Hub(web, cli, pair)
