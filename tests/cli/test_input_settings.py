"""`config set` refuses every value outside its bounds (negative numbers included) in one line,
never creates an integration by a typo, and a stored value that older, looser bounds allowed
shows as a warning instead of breaking every later sync."""

from __future__ import annotations

import pytest

from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import integrations, open_store
from tests.cli.conftest import Cli, place, qbc_orders


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


@pytest.mark.parametrize(("key", "value", "why"), [
    ("window_overlap_hours", "-1", "greater than or equal to 1 (allowed: 1 to 168)"),
    ("window_overlap_hours", "-0.5", "greater than or equal to 1"),
    ("window_overlap_hours", "0.5", "greater than or equal to 1"),
    ("window_overlap_hours", "-inf", "finite number"),
    ("window_overlap_hours", "inf", "finite number"),
    ("retry_base_s", "nan", "finite number"),
    ("qbc_timeout_s", "1e309", "finite number"),
    ("initial_import_days", "1000000", "(allowed: 0 to 3,650)"),
    ("initial_import_days", "-1e5", "valid integer"),
    ("download_every_s", "0", "(allowed: 0.1 to 604,800)"),
    ("location_id", "-3", "(allowed: 1 or more)"),
])
def test_values_out_of_bounds_are_one_line_and_nothing_is_stored(
        cli: Cli, key: str, value: str, why: str) -> None:
    cli.invoke("config", "set", "delivery", "preview")
    refused = cli.invoke("config", "set", key, value, expect=1)
    line = one_line(refused.stderr)
    assert line.startswith(f"Error: {key} = {value!r} is not allowed: ") and why in line
    assert cli.invoke("config", "show", "--json").json()["settings"][key]["set"] is False


def test_a_negative_number_is_a_value_wherever_the_options_are(cli: Cli) -> None:
    real = cli.run("config", "set", "window_overlap_hours", "-1", "--integration", "default",
                   expect=1)
    assert "window_overlap_hours = '-1' is not allowed" in one_line(real.stderr)
    # `-inf` is not read as `-i nf`, and `-i` still takes its value
    cli.invoke("config", "set", "delivery", "preview")
    minus_inf = cli.invoke("config", "set", "-i", "default", "cancel_sweep_margin_hours", "-inf",
                           expect=1)
    assert "cancel_sweep_margin_hours = '-inf' is not allowed" in one_line(minus_inf.stderr)
    fine = cli.invoke("config", "set", "retry_base_s", "5", "-i", "default")
    assert "retry_base_s = 5 (integration 'default')" in fine.stdout


def test_config_set_never_creates_an_integration_by_a_typo(cli: Cli) -> None:
    first = cli.invoke("config", "set", "delivery", "preview")  # "default": made by its first
    assert "Created" not in first.stdout
    typo = cli.invoke("config", "set", "delivery", "preview", "--integration", "defualt",
                      expect=1)
    assert one_line(typo.stderr) == ("Error: there is no integration named 'defualt' (known: "
                                     "default); add --create to create it")
    assert [row["name"] for row in cli.invoke("integrations", "--json").json()] == ["default"]
    made = cli.invoke("config", "set", "delivery", "preview", "--integration", "acme", "--create")
    assert "Created integration 'acme'." in made.stdout
    alias = cli.invoke("alias", "add", "HZ-1", "QB-1", "--integration", "beta", expect=1)
    assert "there is no integration named 'beta' (known: acme, default); add --create" in (
        one_line(alias.stderr))
    cli.invoke("alias", "add", "HZ-1", "QB-1", "--integration", "beta", "--create")
    ship = cli.invoke("shipmethod", "map", "EXPRESS", "2-day", "--integration", "gamma", expect=1)
    assert "there is no integration named 'gamma'" in one_line(ship.stderr)
    names = [row["name"] for row in cli.invoke("integrations", "--json").json()]
    assert sorted(names) == ["acme", "beta", "default"]


def store_raw(cli: Cli, **values: str) -> None:
    """Values written as an older version with looser bounds would have stored them."""
    store = open_store(Settings(home=cli.home))
    try:
        with store.begin() as session:
            row = integrations.get_or_create_integration(session, "default")
            for key, value in values.items():
                integrations.set_setting(session, row.id, key, value)
    finally:
        store.close()


def test_a_stored_value_older_bounds_allowed_is_a_warning_not_a_broken_sync(
        cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    store_raw(cli, window_overlap_hours="0.5", retry_max_attempts="10000")

    shown = cli.invoke("config", "show")
    assert ("Warning: stored window_overlap_hours = '0.5' is not allowed (Input should be greater "
            "than or equal to 1 (allowed: 1 to 168)); it runs at its default 24; fix it with "
            "orderbridge config set window_overlap_hours VALUE") in shown.stderr
    assert "stored retry_max_attempts = '10000' is not allowed" in shown.stderr
    document = cli.invoke("config", "show", "--json").json()
    assert len(document["problems"]) == 2
    assert document["settings"]["window_overlap_hours"]["value"] == "24.0"

    placed = place(pair, 2)
    cli.run("sync", "--once")  # runs, at the defaults
    assert sorted(o["reference_number"] for o in qbc_orders(pair)) == sorted(placed)

    cli.invoke("config", "set", "window_overlap_hours", "6")  # the other bad one does not block
    cli.invoke("config", "unset", "retry_max_attempts")
    assert cli.invoke("config", "show").stderr == ""
