"""The web app in a real browser (Playwright driving the system Chromium): what a merchant does,
click by click. The screenshots in docs/screenshots/ are taken here, so they stay current."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import PASSWORD, USER, Web, screenshot

pytestmark = pytest.mark.browser


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
