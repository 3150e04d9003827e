"""The web app in a real browser (Playwright driving the system Chromium): what a merchant does,
click by click. The screenshots in docs/screenshots/ are taken here, so they stay current."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import known_skus, place, qbc_orders
from tests.web.conftest import PASSWORD, USER, Web, screenshot

pytestmark = pytest.mark.browser
sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair  # the running Houzz and QBC sandboxes


@pytest.fixture
def app_page(browser: Browser, browser_context_args: dict[str, Any], web: Web) -> Iterator[Page]:
    """A page of a fresh browser context whose relative addresses go to the web app."""
    context = browser.new_context(**{**browser_context_args, "base_url": web.url})
    context.set_default_navigation_timeout(30_000)
    yield context.new_page()
    context.close()


def log_in(page: Page, web: Web, name: str = USER, password: str = PASSWORD) -> None:
    page.goto(f"{web.url}/")
    expect(page).to_have_url(f"{web.url}/login?next=%2F")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_log_in_and_out(page: Page, web: Web) -> None:
    page.goto(f"{web.url}/login")
    screenshot(page, "login")
    log_in(page, web, password="wrong password")
    expect(page.get_by_role("alert")).to_have_text("Wrong user name or password.")
    log_in(page, web)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_have_text("You are logged out.")
    page.goto(f"{web.url}/")
    expect(page).to_have_url(f"{web.url}/login?next=%2F")


def test_the_first_user_comes_from_the_setup_link(page: Page, fresh_web: Web) -> None:
    page.goto(f"{fresh_web.url}/setup/{fresh_web.setup_token}")
    page.get_by_label("User name").fill("ann")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Create and log in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, ann.")


def fill_houzz(page: Page, pair: SandboxPair) -> None:
    h = HOUZZ_CREDENTIALS
    page.locator("#houzz-token").fill(h["token"])
    page.locator("#houzz-username").fill(h["username"])
    page.locator("#houzz-app-name").fill(h["app_name"])
    page.locator("#houzz-base-url").fill(pair.houzz_url)


def connect_houzz(page: Page, pair: SandboxPair) -> None:
    page.goto("/connections")
    fill_houzz(page, pair)
    page.locator("#houzz-test").click()
    expect(page.get_by_role("status").first).to_contain_text("Houzz: test passed")
    fill_houzz(page, pair)  # a token is never sent back to the page
    page.locator("#houzz-save").click()
    expect(page.get_by_role("status").first).to_contain_text("Houzz: connected and saved")


def run_job(page: Page, job: str) -> None:
    page.goto("/jobs")
    page.locator(f"#run-{job}").click()
    expect(page.get_by_role("status").first).to_be_visible()


def test_connect_both_sides_by_token_and_watch_an_order_arrive(
        app_page: Page, web: Web, pair: SandboxPair) -> None:
    page = app_page
    log_in(page, web)
    connect_houzz(page, pair)
    page.locator("#qbc-token").fill("not-the-token")
    page.locator("#qbc-base-url").fill(pair.qbc_url)
    page.locator("#qbc-test").click()
    expect(page.locator(".flash.error").first).to_contain_text("QuickBooks Commerce")
    page.locator("#qbc-token").fill(QBC_TOKEN)
    page.locator("#qbc-base-url").fill(pair.qbc_url)
    page.locator("#qbc-save").click()
    expect(page.get_by_role("status").first).to_contain_text("connected and saved")
    screenshot(page, "connections")
    assert QBC_TOKEN not in page.content() and HOUZZ_CREDENTIALS["token"] not in page.content()

    [order_id] = place(pair, 1)
    run_job(page, "download")
    run_job(page, "deliver")
    screenshot(page, "jobs")
    page.goto("/")
    expect(page.locator("#orders-by-status")).to_contain_text("at_wms 1")
    screenshot(page, "dashboard")
    page.goto("/orders")
    page.locator("#q").fill(order_id)
    page.locator("#order-search button[type=submit]").click()
    expect(page.locator("#orders-table tbody tr")).to_have_count(1)
    screenshot(page, "orders")
    page.locator("#orders-table tbody tr a").first.click()
    expect(page.locator("#houzz-order-id")).to_have_text(order_id)
    expect(page.locator("#timeline")).to_contain_text("Downloaded from the channel")
    expect(page.locator("#qbc-order-id")).not_to_have_text("—")
    screenshot(page, "order-detail")
    assert [o["reference_number"] for o in qbc_orders(pair)] == [order_id]


def test_connect_qbc_by_oauth(app_page: Page, web: Web, pair: SandboxPair) -> None:
    page = app_page
    log_in(page, web)
    connect_houzz(page, pair)
    page.locator("#qbc-client-id").fill(DEFAULT_CLIENT_ID)
    page.locator("#qbc-client-secret").fill(DEFAULT_CLIENT_SECRET)
    page.locator("#qbc-oauth-base-url").fill(pair.qbc_url)
    page.locator("#qbc-oauth").click()  # to QBC's authorize page and back to the callback
    expect(page).to_have_url(re.compile(r"/connections"))
    expect(page.locator("#qbc-saved")).to_contain_text("OAuth app")
    assert DEFAULT_CLIENT_SECRET not in page.content()
    [order_id] = place(pair, 1)
    run_job(page, "download")
    run_job(page, "deliver")
    assert [o["reference_number"] for o in qbc_orders(pair)] == [order_id]
    page.goto("/webhooks")  # the OAuth connect registered them; QBC told of the new order
    expect(page.locator("#webhook-state")).to_contain_text("on")
    expect(page.locator("#webhook-subscriptions")).to_contain_text("fulfillment.fulfilled")
    for _ in range(40):  # the delivery arrives within seconds
        if "order.create" in page.locator("#webhook-deliveries").inner_text():
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(page.locator("#webhook-deliveries")).to_contain_text("order.create")
    screenshot(page, "webhooks")


def test_fix_an_unknown_sku_from_its_alert(app_page: Page, web: Web,
                                           pair: SandboxPair) -> None:
    page = app_page
    log_in(page, web)
    connect_houzz(page, pair)
    page.locator("#qbc-token").fill(QBC_TOKEN)
    page.locator("#qbc-base-url").fill(pair.qbc_url)
    page.locator("#qbc-save").click()
    [stuck] = place(pair, 1, unknown_sku_rate=1.0)
    run_job(page, "download")
    run_job(page, "deliver")
    page.goto("/alerts")
    group = page.locator("#held-groups section").first
    expect(group).to_contain_text("is not in QuickBooks Commerce")
    screenshot(page, "alerts")
    catalog = known_skus(pair)
    fixes = 0
    while page.locator("form.fix-alias").count() > 0 and fixes < 5:  # one per unknown SKU
        form = page.locator("form.fix-alias").first
        form.locator("input[name=warehouse_sku]").fill(catalog[fixes])
        form.locator("button[type=submit]").click()
        expect(page.get_by_role("status").first).to_contain_text("released")
        fixes += 1
    expect(page.locator("#resolved-alerts")).to_contain_text("released 1 order")
    run_job(page, "deliver")
    page.goto(f"/orders/{stuck}")
    expect(page.locator("#order-title")).to_contain_text("at_wms")
    page.goto("/mappings")
    screenshot(page, "mappings")
    assert [o["reference_number"] for o in qbc_orders(pair)] == [stuck]
