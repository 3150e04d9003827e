"""The Houzz simulator's behaviour switches and its API credentials.

Where the reference leaves a behaviour open (lifecycle after September 2021, HTTP status of an
error, the `Cancle` typo, carrier codes, fields nobody observed) the simulator picks one and lets a
test or a merchant flip it through `POST /_sandbox/settings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

PermissionName = Literal["Update product inventory", "List and process orders"]
PERMISSION_INVENTORY: Final = "Update product inventory"
PERMISSION_ORDERS: Final = "List and process orders"
ALL_PERMISSIONS: tuple[PermissionName, ...] = (PERMISSION_INVENTORY, PERMISSION_ORDERS)

DEFAULT_CARRIER_CODES = (
    "UPS", "FedEx", "USPS", "DHL", "OnTrac", "LaserShip", "Purolator", "CanadaPost", "Other",
)

Lifecycle = Literal["post2021", "legacy"]


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as "
                         "'America/Los_Angeles' or 'UTC'") from exc
    return value


class HouzzSandboxSettings(BaseModel):
    """Everything about the simulated Houzz that a test may want to change."""

    model_config = ConfigDict(extra="forbid")

    lifecycle: Lifecycle = "post2021"
    timezone: str = "America/Los_Angeles"
    error_http_status: int = Field(default=200, ge=200, le=599)
    accept_cancle_typo: bool = False
    carrier_codes: tuple[str, ...] = DEFAULT_CARRIER_CODES
    emit_shipping_option: bool = True
    token: str = "sandbox-token"
    username: str = "sandbox-seller"
    app_name: str = "orderbridge-sandbox"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _check_zone(value)

    @field_validator("carrier_codes")
    @classmethod
    def _some_carriers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        codes = tuple(code.strip() for code in value if code.strip())
        if not codes:
            raise ValueError("carrier_codes needs at least one code")
        return codes

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SettingsUpdate(BaseModel):
    """Body of `POST /_sandbox/settings`: only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    lifecycle: Lifecycle | None = None
    timezone: str | None = None
    error_http_status: int | None = Field(default=None, ge=200, le=599)
    accept_cancle_typo: bool | None = None
    carrier_codes: list[str] | None = None
    emit_shipping_option: bool | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return None if value is None else _check_zone(value)

    def applied_to(self, current: HouzzSandboxSettings) -> HouzzSandboxSettings:
        changes = self.model_dump(exclude_none=True)
        return HouzzSandboxSettings.model_validate({**current.model_dump(), **changes})


@dataclass(frozen=True)
class Credential:
    """One API credential as Seller Central issues it, with the permissions it was granted."""

    token: str
    username: str
    app_name: str
    permissions: frozenset[str]


def default_credential(settings: HouzzSandboxSettings) -> Credential:
    return Credential(settings.token, settings.username, settings.app_name,
                      frozenset(ALL_PERMISSIONS))
