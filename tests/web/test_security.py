"""Nothing is open to the anonymous: the test walks the app's own route table, so a route added
later is checked without anyone listing it here. Forms need their CSRF token, sessions are
HttpOnly and SameSite, failed logins are throttled."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from orderbridge.web.app import SESSION_COOKIE, create_app
from orderbridge.web.throttle import MAX_FAILURES
from tests.web.conftest import PASSWORD, USER, Web, csrf_of, log_in

SIGNED = {"/webhooks/qbc/{integration}"}
"""QBC has no login; every delivery is verified by its signature (X-Gecko-Signature) instead
(tests/web/test_qbc_webhooks.py). It takes no cookie, so it needs no CSRF token either."""
PUBLIC = {"/login", "/setup/{token}"} | SIGNED
"""The only routes an anonymous visitor may reach (a setup link works once, without a user)."""
SCRAPED = {"/metrics"}
"""Prometheus cannot log in: with no ``ORDERBRIDGE_METRICS_TOKEN`` this machine's own clients
may scrape it, so the test (itself on loopback) sends what a client beyond a proxy sends
(tests/web/test_metrics_route.py checks the token and the loopback rule in full)."""


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def every_route(web: Web) -> list[tuple[str, str]]:
    app = create_app(web.settings, web.store)
    routes = []
    for route in iter_route_contexts(app.routes):  # the routers flattened, as served
        if isinstance(route.original_route, Mount):
            continue
        methods = set(route.methods or {"GET"})
        routes += [(method, route.path or "") for method in sorted(methods - {"HEAD", "OPTIONS"})]
    assert len(routes) >= 8
    return routes


def test_every_route_refuses_the_anonymous(web: Web) -> None:
    anonymous = web.client()
    checked = 0
    for method, path in every_route(web):
        if path in SIGNED:  # unsigned: refused (410 here, as no integration '1' exists)
            response = anonymous.request(method, concrete(path), content=b"{}")
            assert response.status_code in (401, 410), (method, path, response.status_code)
        if path in PUBLIC:
            continue
        beyond = {"X-Forwarded-For": "192.0.2.1"} if path in SCRAPED else {}
        response = anonymous.request(method, concrete(path), headers=beyond)
        if path in SCRAPED:
            assert response.status_code == 403, (method, path, response.status_code)
        elif path.startswith("/api/") or path in ("/openapi.json", "/docs"):
            assert response.status_code == 401, (method, path, response.status_code)
            assert path == "/docs" or "error" in response.json()
        elif method == "GET":
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/login?next=")
        else:  # a form posted without a session: refused either way, never carried out
            assert response.status_code in (303, 403), (method, path, response.status_code)
        checked += 1
    assert checked >= 5


def test_every_page_post_needs_the_csrf_token(web: Web) -> None:
    client = web.logged_in()
    posts = [path for method, path in every_route(web)
             if method == "POST" and not path.startswith("/api/") and path not in SIGNED]
    assert "/logout" in posts
    for path in posts:
        response = client.post(concrete(path), data={"name": "x"})
        assert response.status_code == 403, (path, response.status_code, response.text[:300])
        assert "did not come from orderbridge" in response.text
    assert client.get("/").status_code == 200  # still logged in: nothing was carried out


def test_a_wrong_token_is_refused_by_the_api(web: Web) -> None:
    response = web.client().get("/api/v1/integrations",
                                headers={"Authorization": "Bearer obt_not-a-token"})
    assert response.status_code == 401
    assert response.json() == {"error": "This API token is not valid (revoked, or mistyped)"}
    assert web.api().get("/api/v1/integrations").status_code == 200


def test_the_session_cookie_is_httponly_and_samesite(web: Web) -> None:
    client = web.client()
    response = log_in(client, USER, PASSWORD)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert response.headers["x-frame-options"] == "DENY"


def test_logout_ends_the_session(web: Web) -> None:
    client = web.logged_in()
    token = csrf_of(client.get("/"))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303


@pytest.mark.parametrize("name", [USER, "nobody"])
def test_failed_logins_are_throttled_even_with_the_right_password_after(web: Web,
                                                                       name: str) -> None:
    client = web.client()
    for _ in range(MAX_FAILURES):
        refused = log_in(client, name, "wrong password")
        assert refused.status_code == 401 and "Wrong user name or password." in refused.text
    throttled = log_in(client, USER, PASSWORD)
    assert throttled.status_code == 429 and "Too many failed logins" in throttled.text
    assert client.get("/").status_code == 303


def test_the_login_never_redirects_off_site(web: Web) -> None:
    client = web.client()
    token = csrf_of(client.get("/login"))
    response = client.post("/login", data={"name": USER, "password": PASSWORD,
                                           "next": "//evil.example/", "csrf_token": token})
    assert response.headers["location"] == "/"


def test_the_setup_link_works_once(fresh_web: Web) -> None:
    assert fresh_web.setup_token is not None
    client = fresh_web.client()
    link = f"/setup/{fresh_web.setup_token}"
    assert client.get("/setup/not-the-token").status_code == 404
    weak = client.post(link, data={"name": "ann", "password": "short",
                                   "csrf_token": csrf_of(client.get(link))})
    assert weak.status_code == 400 and "at least 8 characters" in weak.text
    made = client.post(link, data={"name": "ann", "password": "long enough",
                                   "csrf_token": csrf_of(client.get(link))})
    assert made.status_code == 303
    assert client.get("/").status_code == 200
    assert fresh_web.client().get(link).status_code == 404  # used up
