"""Process-wide settings, read from ``ORDERBRIDGE_*`` environment variables.

Only what a process needs before it can open the store lives here (where its files are, which
database, the encryption key, log level). Everything per integration (credentials, schedules,
mappings) lives in the store. Nothing is read at import time: call ``load_settings()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["text", "json"]

DEFAULT_HOME = Path("~/.orderbridge")
DATABASE_FILENAME = "orderbridge.sqlite3"


class Settings(BaseSettings):
    """Settings for one orderbridge process."""

    model_config = SettingsConfigDict(env_prefix="ORDERBRIDGE_", frozen=True, extra="ignore")

    home: Path = DEFAULT_HOME
    """Where orderbridge keeps its files (SQLite database, key file). ``ORDERBRIDGE_HOME``."""
    database_url: str = ""
    """SQLAlchemy URL; default ``sqlite:///<home>/orderbridge.sqlite3``."""
    secret_key: SecretStr | None = None
    """A Fernet key for credentials; default: ``<home>/secret.key``, created on first use."""
    log_level: LogLevel = "INFO"
    log_format: LogFormat = "text"
    """``text`` for a person at a terminal; ``json``: one JSON object per line, for a log
    pipeline (``orderbridge.logs``). ``ORDERBRIDGE_LOG_FORMAT``."""
    metrics_token: SecretStr | None = None
    """The bearer token Prometheus sends to the web app's ``/metrics``; unset, it is served to
    loopback clients only (``orderbridge.web.metrics_route``). ``ORDERBRIDGE_METRICS_TOKEN``."""
    public_url: str = ""
    """The address QuickBooks Commerce reaches this hub's web app at (e.g.
    ``https://hub.example.com``), where its webhooks are registered when a merchant connects by
    OAuth; empty: the address the merchant's browser used. ``ORDERBRIDGE_PUBLIC_URL``."""
    broker_url: str = "redis://127.0.0.1:6379/0"
    """The Celery broker of the scale-out mode (`orderbridge worker`, `orderbridge scheduler`):
    Redis. ``ORDERBRIDGE_BROKER_URL``; the embedded mode (`orderbridge sync`) needs none."""

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().absolute()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_log_format(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("secret_key", "metrics_token", mode="before")
    @classmethod
    def _blank_key_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @model_validator(mode="after")
    def _default_database_url(self) -> Settings:
        if not self.database_url.strip():
            # Frozen model: set the derived default once, during validation.
            object.__setattr__(self, "database_url", default_database_url(self.home))
        return self

    @property
    def key_file(self) -> Path:
        """Where the generated encryption key lives when ``secret_key`` is not set."""
        return self.home / "secret.key"


def default_database_url(home: Path) -> str:
    """The SQLite URL of the database file inside ``home``."""
    return f"sqlite:///{home / DATABASE_FILENAME}"


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment; keyword arguments win over the environment."""
    return Settings(**overrides)
