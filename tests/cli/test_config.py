"""`orderbridge config`, `db upgrade`, `integrations`, and how expected errors are reported."""

from __future__ import annotations

from cryptography.fernet import Fernet

from orderbridge.crypto import SecretBox, mask
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import load_settings
from orderbridge.store import integrations, open_store
from orderbridge.store.credentials import save_credentials
from orderbridge.store.migrate import head_revision
from orderbridge.workflows.integration_config import IntegrationConfig
from orderbridge.workflows.qbc_tokens import OAUTH
from tests.cli.conftest import Cli


def test_config_set_show_unset(cli: Cli) -> None:
    cli.invoke("config", "set", "delivery", "preview")
    cli.invoke("config", "set", "initial_import_days", "30")
    shown = cli.invoke("config", "show", "--json").json()
    assert set(shown["settings"]) == set(IntegrationConfig.model_fields)
    assert shown["settings"]["delivery"] == {
        **shown["settings"]["delivery"], "value": "preview", "default": "live", "set": True}
    assert shown["settings"]["initial_import_days"]["value"] == "30"
    assert shown["settings"]["status_filter"] == {
        **shown["settings"]["status_filter"], "value": "Charged", "set": False}
    assert shown["settings"]["status_filter"]["description"]
    assert shown["paused"] is False
    assert shown["connections"] == {"houzz": None, "qbc": None}

    table = cli.invoke("config", "show").stdout
    assert "initial_import_days" in table and "preview" in table
    assert "not connected: orderbridge connect houzz" in table

    unset = cli.invoke("config", "unset", "delivery")
    assert "back to its default (live)" in unset.stdout
    assert cli.invoke("config", "show", "--json").json()["settings"]["delivery"]["value"] == "live"
    again = cli.invoke("config", "unset", "delivery")
    assert "was not set" in again.stdout


def test_invalid_settings_are_refused_with_what_is_allowed(cli: Cli) -> None:
    cli.invoke("config", "set", "order_status", "draft")
    bad = cli.invoke("config", "set", "delivery", "sometimes", expect=1)
    assert "delivery = 'sometimes' is not allowed" in bad.stderr
    assert "'live' or 'preview'" in bad.stderr
    assert "Traceback" not in bad.stderr
    zone = cli.invoke("config", "set", "houzz_timezone", "Mars/Olympus", expect=1)
    assert "unknown time zone" in zone.stderr
    unknown = cli.invoke("config", "set", "colour", "blue", expect=1)
    assert "unknown setting 'colour'" in unknown.stderr
    cli.invoke("config", "unset", "colour", expect=1)
    assert cli.invoke("config", "show", "--json").json()["settings"]["delivery"]["set"] is False


def test_config_of_an_unknown_integration(cli: Cli) -> None:
    cli.invoke("config", "set", "delivery", "preview")  # creates "default"
    missing = cli.invoke("config", "show", "--integration", "nope", expect=1)
    assert "there is no integration named 'nope' (known: default)" in missing.stderr


def test_db_upgrade_and_integrations(cli: Cli, pair: SandboxPair) -> None:
    upgraded = cli.invoke("db", "upgrade")
    assert f"is at revision {head_revision()} (current)" in upgraded.stdout
    assert cli.invoke("integrations").stdout.startswith("No integration yet")
    cli.connect(pair, "acme", in_process=True)
    cli.invoke("config", "set", "delivery", "preview", "--integration", "beta", "--create")
    rows = {row["name"]: row for row in cli.invoke("integrations", "--json").json()}
    assert rows["acme"]["connected"] == ["houzz", "qbc"]
    assert rows["beta"]["connected"] == []
    assert not rows["acme"]["paused"]
    assert "acme" in cli.invoke("integrations").stdout
    assert "not paused" in cli.invoke("resume", "--integration", "acme").stdout


def test_key_problems_are_one_clear_line(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)  # encrypted with the key file in the home
    other_key = Fernet.generate_key().decode()
    wrong = cli.invoke("config", "show", env={"ORDERBRIDGE_SECRET_KEY": other_key}, expect=1)
    assert "encrypted with another key" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    malformed = cli.invoke("config", "show", env={"ORDERBRIDGE_SECRET_KEY": "not-a-key"}, expect=1)
    assert "ORDERBRIDGE_SECRET_KEY is not a valid Fernet key" in malformed.stderr
    assert len(malformed.stderr.strip().splitlines()) == 1


def test_config_show_masks_every_secret_of_an_oauth_connection(cli: Cli) -> None:
    """Regression: an OAuth connection's access and refresh tokens and client secret were
    printed whole (only a value named ``token`` was masked)."""
    secrets = {"access_token": "access-Jq4t-0b6c2e8a51f7", "refresh_token":
               "refresh-Pz8m-3d1f7b9c24e6", "client_secret": "client-secret-Vn2k-6e0a4c8f13b9"}
    values = {"kind": OAUTH, "expires_at": "1796405294", "client_id": "app-client-id",
              "redirect_uri": "https://hub.example.com/connections/qbc/oauth/callback",
              **secrets}
    settings = load_settings()
    store = open_store(settings)
    try:
        with store.begin() as session:
            row = integrations.get_or_create_integration(session, "default")
            save_credentials(session, row.id, "qbc", values, SecretBox.from_settings(settings),
                             base_url="http://127.0.0.1:9")
    finally:
        store.close()
    shown = cli.invoke("config", "show", "--json").json()["connections"]["qbc"]["credentials"]
    assert shown == {**values, **{key: mask(secret) for key, secret in secrets.items()}}
    table = cli.invoke("config", "show").stdout
    assert "app-client-id" in table and mask(secrets["access_token"]) in table
    for secret in secrets.values():
        assert secret not in table
