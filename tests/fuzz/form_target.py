"""Every form of the web screens POSTed by a logged-in browser with random field values, the
CSRF token right, wrong or missing: the real app on loopback, its forms found from its own
routers (a screen added later is fuzzed without a change here). No answer is a 5xx; every
refusal is a page that says what was wrong.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from fastapi.routing import APIRoute
from hypothesis import strategies as st

from orderbridge.runtime.jobs import JOBS
from orderbridge.web import pages
from orderbridge.web.pages import login
from orderbridge.workflows.context import open_context
from orderbridge.workflows.integration_config import IntegrationConfig
from orderbridge.workflows.orders.download import DownloadResult, store_page
from tests.fuzz.cli_targets import garbage
from tests.fuzz.mangling import mostly
from tests.fuzz.running import loopback_only, private_home, run_cases
from tests.fuzz.tally import FuzzTally
from tests.fuzz.webhook_target import page_words
from tests.web.conftest import Web, csrf_of, serve

SKIPPED = frozenset({"/logout"})
"""Logging out ends the session the campaign posts with (its own tests cover it)."""
SEEDED = ("1656-9927-9120-7805", "1656-9927-9120-7806")
SAFE: dict[str, st.SearchStrategy[str]] = {
    # fields that make the app open a connection outside HTTP (SMTP): loopback or garbage only
    "smtp_host": st.sampled_from(["", "127.0.0.1", "localhost", "bad host", "-x-", "a" * 300]),
    "smtp_port": st.sampled_from(["", "9", "0", "70000", "-1", "x"]),
    "alert_webhook_url": st.sampled_from(["", "http://127.0.0.1:9/alerts", "ftp://x", "no"]),
    "base_url": st.sampled_from(["", "http://127.0.0.1:9", "https://api.houzz.com", "x",
                                 "http://u:p@127.0.0.1:9"]) | garbage,
    "step": st.sampled_from(["test", "save", "", "other"]),
    "integration": mostly(st.just("default"), garbage),
    "ref": mostly(st.sampled_from(SEEDED), garbage),
    "job": mostly(st.sampled_from(sorted(JOBS)), garbage),
}
field_value = garbage | st.text(max_size=5000) | st.sampled_from(["true", "on", "1", "0"])


@dataclass(frozen=True)
class Form:
    path: str
    fields: tuple[str, ...]
    files: tuple[str, ...]
    path_params: tuple[str, ...]


def forms() -> list[Form]:
    """Every POST of the screens, with the fields its handler reads."""
    found = []
    for router in [login.router, *pages.routers()]:
        for route in router.routes:
            if not isinstance(route, APIRoute) or "POST" not in (route.methods or ()) or (
                    route.path in SKIPPED):
                continue
            body = route.dependant.body_params
            fields = tuple(p.name for p in body if type(p.field_info).__name__ != "File")
            if route.path == "/connections/settings":  # reads the whole form: every setting
                fields = tuple(IntegrationConfig.model_fields)
            found.append(Form(route.path, fields,
                              tuple(p.name for p in body if type(p.field_info).__name__ == "File"),
                              tuple(p.name for p in route.dependant.path_params)))
    return found


@dataclass(frozen=True)
class Post:
    form: str
    path: str
    data: dict[str, str]
    files: dict[str, bytes]
    csrf: str


@st.composite
def posts(draw: st.DrawFn, known: list[Form]) -> Post:
    form = draw(st.sampled_from(known))
    path = form.path
    for name in form.path_params:
        path = path.replace(f"{{{name}}}", quote(draw(SAFE.get(name, garbage)), safe=""))
    chosen = draw(st.lists(st.sampled_from(form.fields), unique=True)) if form.fields else []
    data = {name: draw(SAFE.get(name, field_value)) for name in chosen}
    files = {name: draw(st.binary(max_size=300) | st.just(b"HZ-1,QBC-1\nHZ-2,QBC-2\n"))
             for name in form.files}
    csrf = draw(mostly(st.just("right"), st.sampled_from(["none", "wrong"])))
    return Post(form.path, path, data, files, csrf)


@contextlib.contextmanager
def served_web() -> Iterator[Web]:
    with loopback_only(), private_home() as home:
        home.store.close()  # `serve` opens its own store on the same home
        yield from serve(home.settings)


SEEDS = [Post("/mappings/aliases", "/mappings/aliases",
              {"channel_sku": "HZ-1", "warehouse_sku": "QBC-1"}, {}, "right"),
         Post("/mappings/aliases", "/mappings/aliases",
              {"channel_sku": "HZ-1", "warehouse_sku": "QBC-1"}, {}, "wrong")]


def web_forms(examples: int) -> FuzzTally:
    with _served() as (_, browser):
        return run_cases("web form fields", posts(forms()), examples,
                         lambda post, tally: _post(browser, post, tally), SEEDS)


@contextlib.contextmanager
def _served() -> Iterator[tuple[Web, httpx.Client]]:
    with served_web() as web:
        ctx = open_context(web.store, web.settings, "default", create=True)
        with web.store.begin() as session:  # orders to act on: one sound, one held
            store_page(ctx, session, [seed_order(SEEDED[0]), {"OrderId": SEEDED[1]}],
                       DownloadResult())
        ctx.close()
        yield web, web.logged_in()


def seed_order(order_id: str) -> dict[str, Any]:
    return {"OrderId": order_id, "Status": "Charged", "Created": "2025-03-01 10:00:00",
            "CustomerName": "Ada Lovelace",
            "Address": {"Address": "1 Main St", "City": "Austin", "State": "TX",
                        "Zip": "78701", "Country": "US"},
            "OrderItems": [{"Type": "Product", "SKU": "SKU-A", "Quantity": 1, "Price": "10.00"}]}


def _post(browser: httpx.Client, post: Post, tally: FuzzTally) -> None:
    data = dict(post.data)
    if post.csrf != "none":
        data["csrf_token"] = csrf_of(browser.get("/mappings")) if post.csrf == "right" else (
            "not-the-token")
    response = browser.post(post.path, data=data,
                            files={name: ("aliases.csv", body, "text/csv")
                                   for name, body in post.files.items()} or None)
    location = response.headers.get("Location", "")
    if response.is_redirect and location.startswith("/"):
        # where a browser goes next: the page that shows the outcome (and uses its flashes)
        shown = browser.get(location)
        if shown.status_code >= 500:
            response = shown
    if response.status_code >= 500:
        tally.crash(f"HTTP {response.status_code}: {page_words(response.text)[:300]}", post)
    elif response.status_code < 400:
        tally.accept()
    else:
        tally.refuse(_said(response), post)


def _said(response: httpx.Response) -> str:
    """What a refused page tells: its error lines, or its whole main part."""
    errors = re.findall(r'class="[^"]*(?:error|flash)[^"]*"[^>]*>(.*?)</', response.text,
                        re.DOTALL)
    return " ".join(html.unescape(" ".join(errors)).split()) or page_words(response.text)
