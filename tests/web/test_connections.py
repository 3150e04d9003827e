"""The Connections screen against the real sandboxes: Test shows the connector's own answer,
Save stores encrypted what passed (never showing a secret again), refused input and settings
are explained next to their field, and nothing is saved that did not pass."""

from __future__ import annotations

import time

import httpx
import pytest

from orderbridge.crypto import SecretBox
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair
from orderbridge.store import integrations
from orderbridge.store.credentials import load_credentials
from tests.cli import conftest as cli_fixtures
from tests.web.conftest import Web, post_form

H = HOUZZ_CREDENTIALS
HOUZZ_SECRET = "houzz-web-secret-5b2e81aa"
QBC_SECRET = "qbc-web-secret-93c7d4f1"
UNREACHABLE = "http://127.0.0.1:9"
sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair  # the running Houzz and QBC sandboxes


def houzz_form(pair: SandboxPair, step: str, **fields: str) -> dict[str, str]:
    return {"integration": "default", "token": H["token"], "username": H["username"],
            "app_name": H["app_name"], "base_url": pair.houzz_url, "step": step, **fields}


def qbc_form(pair: SandboxPair, step: str, **fields: str) -> dict[str, str]:
    return {"integration": "default", "token": QBC_TOKEN, "base_url": pair.qbc_url,
            "step": step, **fields}


def submit(client: httpx.Client, side: str, fields: dict[str, str]) -> httpx.Response:
    """Post a connection form; a redirect is followed to the page that shows its answer."""
    response = post_form(client, "/connections", f"/connections/{side}", **fields)
    if response.status_code == 303:
        return client.get(response.headers["location"])
    return response


def saved(web: Web, side: str, name: str = "default") -> dict[str, str] | None:
    with web.store.session() as session:
        row = integrations.get_integration(session, name)
        stored = None if row is None else load_credentials(
            session, row.id, side, SecretBox.from_settings(web.settings))  # type: ignore[arg-type]
    return None if stored is None else stored.values


def database_bytes(web: Web) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(web.settings.home.glob("*.sqlite3*")))


def test_the_page_shows_both_forms_and_the_settings_with_their_bounds(web: Web) -> None:
    page = web.logged_in().get("/connections")
    assert page.status_code == 200
    for element in ('id="houzz-form"', 'id="qbc-form"', 'id="qbc-oauth-form"',
                    'id="settings-form"', 'id="new-integration-form"', 'id="houzz-test"',
                    'id="qbc-save"'):
        assert element in page.text
    assert "0 to 3,650" in page.text  # initial_import_days
    assert 'id="setting-delivery"' in page.text and "<option selected>live</option>" in page.text


def test_houzz_test_shows_the_check_s_answer_and_saves_nothing(web: Web,
                                                               pair: SandboxPair) -> None:
    client = web.logged_in()
    good = submit(client, "houzz", houzz_form(pair, "test"))
    assert "Houzz: test passed: Houzz credentials work." in good.text
    assert "List and process orders: allowed" in good.text
    wrong = submit(client, "houzz", houzz_form(pair, "test", token="not-a-houzz-token"))
    assert "Houzz refused the connection" in wrong.text and "not recognised" in wrong.text
    assert "not-a-houzz-token" not in wrong.text
    pair.control("houzz", "credentials", {"token": HOUZZ_SECRET, "username": H["username"],
                                           "app_name": H["app_name"],
                                           "permissions": ["List and process orders"]})
    partial = submit(client, "houzz", houzz_form(pair, "test", token=HOUZZ_SECRET))
    assert "lack the &#39;Update product inventory&#39; permission" in partial.text
    started = time.monotonic()
    down = submit(client, "houzz", houzz_form(pair, "test", base_url=UNREACHABLE))
    assert "cannot reach 127.0.0.1" in down.text
    assert time.monotonic() - started < 15
    assert saved(web, "houzz") is None


def test_qbc_test_shows_the_account_or_why_not(web: Web, pair: SandboxPair) -> None:
    client = web.logged_in()
    good = submit(client, "qbc", qbc_form(pair, "test"))
    assert "QuickBooks Commerce token works" in good.text and "Sandbox Home Goods" in good.text
    wrong = submit(client, "qbc", qbc_form(pair, "test", token="wrong-qbc-token"))
    assert "access token was refused" in wrong.text and "wrong-qbc-token" not in wrong.text
    started = time.monotonic()
    down = submit(client, "qbc", qbc_form(pair, "test", base_url=UNREACHABLE))
    assert "cannot reach 127.0.0.1" in down.text
    assert time.monotonic() - started < 15
    where = submit(client, "qbc", qbc_form(pair, "test", location_id="999"))
    assert "location 999 is not one of this account&#39;s locations" in where.text
    assert saved(web, "qbc") is None


def test_save_stores_encrypted_and_never_shows_the_secret_again(web: Web,
                                                                pair: SandboxPair) -> None:
    pair.control("houzz", "credentials", {
        "token": HOUZZ_SECRET, "username": H["username"], "app_name": H["app_name"],
        "permissions": ["List and process orders", "Update product inventory"]})
    pair.control("qbc", "tokens", {"token": QBC_SECRET})
    client = web.logged_in()
    houzz = submit(client, "houzz", houzz_form(pair, "save", token=HOUZZ_SECRET))
    assert "Houzz: connected and saved" in houzz.text
    qbc = submit(client, "qbc", qbc_form(pair, "save", token=QBC_SECRET, location_id="1"))
    assert "QuickBooks Commerce: connected and saved" in qbc.text
    assert saved(web, "houzz") == {"token": HOUZZ_SECRET, "username": H["username"],
                                   "app_name": H["app_name"]}
    assert saved(web, "qbc") == {"token": QBC_SECRET}
    page = client.get("/connections")
    for secret in (HOUZZ_SECRET, QBC_SECRET):
        assert secret.encode() not in database_bytes(web)
        for shown in (houzz.text, qbc.text, page.text):
            assert secret not in shown
        assert f"••••{secret[-4:]}" in page.text  # the mask() tail only
    assert 'id="houzz-token" autocomplete="off" value=""' in page.text
    assert "leave empty to keep the saved token" in page.text
    assert 'id="setting-location_id" value="1"' in page.text
    # an empty token field keeps the saved one (here: the user name is fixed)
    again = submit(client, "houzz", houzz_form(pair, "save", token=""))
    assert "Houzz: connected and saved" in again.text
    assert saved(web, "houzz") == {"token": HOUZZ_SECRET, "username": H["username"],
                                   "app_name": H["app_name"]}


def test_a_failed_save_keeps_the_working_credentials(web: Web, pair: SandboxPair) -> None:
    client = web.logged_in()
    submit(client, "qbc", qbc_form(pair, "save"))
    refused = submit(client, "qbc", qbc_form(pair, "save", token="wrong-qbc-token"))
    assert "(nothing saved)" in refused.text
    assert saved(web, "qbc") == {"token": QBC_TOKEN}


@pytest.mark.parametrize(("side", "fields", "error_id", "message"), [
    ("qbc", {"token": "tökén-1234"}, "error-token", "the token holds &#39;ö&#39;, which an "
     "HTTP header cannot carry"),
    ("qbc", {"token": "abc\ndef"}, "error-token", "the token is on more than one line"),
    ("houzz", {"username": "sëller"}, "error-houzz-username", "the user name holds &#39;ë&#39;"),
    ("houzz", {"base_url": "https://seller:hunter2@api.houzz.example"}, "error-houzz-base-url",
     "the base URL holds a user name or password (user:pass@host); give the URL without them, "
     "and the credentials in the fields below"),
    ("qbc", {"base_url": "ftp://api.example.com"}, "error-qbc-base-url",
     "is not an http:// or https:// URL with a host"),
    ("qbc", {"location_id": "0"}, "error-qbc-location-id",
     "Input should be greater than or equal to 1 (allowed: 1 or more)"),
])
def test_input_that_can_never_work_is_refused_next_to_its_field(
        web: Web, pair: SandboxPair, side: str, fields: dict[str, str], error_id: str,
        message: str) -> None:
    form = (qbc_form if side == "qbc" else houzz_form)(pair, "save", **fields)
    response = submit(web.logged_in(), side, form)
    assert response.status_code == 400
    error = response.text.split(f'id="{error_id}">', 1)[1].split("</span>", 1)[0]
    assert message in error
    assert "hunter2" not in response.text and "Traceback" not in response.text
    assert pair.calls("houzz") == [] and pair.calls("qbc") == []
    assert saved(web, side) is None


def test_settings_are_validated_and_refusals_shown_next_to_the_field(web: Web) -> None:
    client = web.logged_in()
    page = client.get("/connections")
    assert page.status_code == 200
    refused = post_form(client, "/connections", "/connections/settings", integration="default",
                        initial_import_days="5000", download_every_s="0", delivery="preview")
    assert refused.status_code == 400
    days = refused.text.split('id="error-initial_import_days">', 1)[1].split("</span>", 1)[0]
    assert "less than or equal to 3650 (allowed: 0 to 3,650)" in days
    assert 'id="error-download_every_s"' in refused.text
    assert 'id="setting-initial_import_days" value="5000"' in refused.text  # what was typed
    with web.store.session() as session:  # all or nothing: preview was not stored either
        row = integrations.get_integration(session, "default")
        assert row is None or integrations.all_settings(session, row.id) == {}
    ok = post_form(client, "/connections", "/connections/settings", integration="default",
                   initial_import_days="30", delivery="preview", earliest_order_date="")
    assert ok.status_code == 303
    shown = client.get(ok.headers["location"]).text
    assert "Settings of &#39;default&#39; saved." in shown
    with web.store.session() as session:
        row = integrations.get_integration(session, "default")
        assert row is not None
        assert integrations.all_settings(session, row.id) == {"delivery": "preview",
                                                              "initial_import_days": "30"}
    back = post_form(client, "/connections", "/connections/settings", integration="default",
                     initial_import_days="")  # empty: back to the default
    assert back.status_code == 303
    with web.store.session() as session:
        assert integrations.all_settings(session, row.id) == {"delivery": "preview"}


def test_another_integration_is_created_and_a_paused_one_resumed(web: Web) -> None:
    client = web.logged_in()
    bad = post_form(client, "/connections", "/connections/integrations", name=" acme")
    assert bad.status_code == 400 and "starts or ends with a space" in bad.text
    made = post_form(client, "/connections", "/connections/integrations", name="acme")
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert "Integration &#39;acme&#39; created" in page.text
    assert "Integration <strong>acme</strong>" in page.text
    twice = post_form(client, "/connections", "/connections/integrations", name="acme")
    assert twice.status_code == 400 and "already an integration named" in twice.text
    with web.store.begin() as session:
        row = integrations.get_integration(session, "acme")
        assert row is not None
        integrations.pause_integration(session, row, "the access token was refused")
    paused = client.get("/connections?integration=acme")
    assert 'id="resume"' in paused.text and "the access token was refused" in paused.text
    resumed = post_form(client, "/connections?integration=acme", "/connections/resume",
                        integration="acme")
    assert "Integration &#39;acme&#39; resumed." in client.get(resumed.headers["location"]).text
    with web.store.session() as session:
        row = integrations.get_integration(session, "acme")
        assert row is not None and not row.paused
