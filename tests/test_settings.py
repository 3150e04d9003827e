"""Settings come from ORDERBRIDGE_* variables, with defaults derived from the home directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from orderbridge.settings import Settings, load_settings


def test_defaults_live_under_the_users_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ORDERBRIDGE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    settings = load_settings()
    assert settings.home == tmp_path / ".orderbridge"
    assert settings.database_url == f"sqlite:///{tmp_path}/.orderbridge/orderbridge.sqlite3"
    assert settings.key_file == tmp_path / ".orderbridge" / "secret.key"
    assert settings.secret_key is None
    assert settings.log_level == "INFO"


def test_home_from_the_environment_moves_the_default_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ORDERBRIDGE_HOME", str(tmp_path / "elsewhere"))
    settings = load_settings()
    assert settings.home == tmp_path / "elsewhere"
    assert settings.database_url == f"sqlite:///{tmp_path}/elsewhere/orderbridge.sqlite3"


def test_relative_home_is_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORDERBRIDGE_HOME", "state")
    assert load_settings().home == tmp_path / "state"


def test_every_setting_reads_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBRIDGE_DATABASE_URL", "postgresql://db.example/orders")
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", "k" * 44)
    monkeypatch.setenv("ORDERBRIDGE_LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.database_url == "postgresql://db.example/orders"
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == "k" * 44
    assert settings.log_level == "DEBUG"


def test_the_secret_key_never_shows_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", "super-secret-value")
    settings = load_settings()
    assert "super-secret-value" not in repr(settings)
    assert "super-secret-value" not in str(settings.model_dump())


def test_blank_values_fall_back_to_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", "  ")
    monkeypatch.setenv("ORDERBRIDGE_DATABASE_URL", "")
    settings = load_settings()
    assert settings.secret_key is None
    assert settings.database_url.startswith("sqlite:///")


def test_unknown_log_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBRIDGE_LOG_LEVEL", "chatty")
    with pytest.raises(ValidationError, match="log_level"):
        load_settings()


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBRIDGE_DATABASE_URL", "sqlite:///from-env.db")
    assert load_settings(database_url="sqlite:///explicit.db").database_url == (
        "sqlite:///explicit.db"
    )


def test_settings_are_read_when_asked_not_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBRIDGE_LOG_LEVEL", "ERROR")
    first = load_settings()
    monkeypatch.setenv("ORDERBRIDGE_LOG_LEVEL", "WARNING")
    assert (first.log_level, load_settings().log_level) == ("ERROR", "WARNING")
    with pytest.raises(ValidationError):
        first.log_level = "DEBUG"  # type: ignore[misc]
    assert isinstance(first, Settings)
