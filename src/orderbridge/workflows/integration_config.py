"""An integration's settings: what `orderbridge config set KEY VALUE` can change.

Stored as text per integration (store: integration_settings) and read through this model, so
every value is validated once, with a message that says what is allowed, and every key has a
default a merchant can rely on.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from orderbridge.errors import UsageError
from orderbridge.workflows.cust_ref_rules import CHARSETS, CustRefRules


class IntegrationConfig(BaseModel):
    """Every setting of one integration, with its default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delivery: Literal["live", "preview"] = Field(
        "live", description="preview: download and translate orders but send nothing to QBC")
    status_filter: str = Field(
        "Charged", description="Houzz getOrders Status filter (Charged since Houzz's 2021 change)")
    houzz_timezone: str = Field(
        "America/Los_Angeles", description="time zone Houzz order times are read in")
    window_overlap_hours: float = Field(
        24, ge=0, description="how far each order poll re-reads before the last one")
    initial_import_days: int = Field(
        14, ge=0, description="first run: import open orders created in the last N days")
    earliest_order_date: date | None = Field(
        None, description="first run: import open orders created on or after this date")
    houzz_page_size: int = Field(
        1000, ge=1, le=1000, description="orders per getOrders page")
    cust_ref_max_length: int = Field(20, ge=8, le=64, description="longest cust_ref allowed")
    cust_ref_charset: str = Field(
        "alnum-dash", description=f"cust_ref characters: {', '.join(CHARSETS)}")
    cust_ref_prefix: str = Field("", description="text every cust_ref starts with")
    order_status: Literal["draft", "active", "finalized"] = Field(
        "active", description="status of orders created in QBC")
    location_id: int | None = Field(
        None, description="QBC stock location orders ship from (default: primary)")
    order_tags: str = Field("houzz", description="comma-separated tags put on QBC orders")
    default_ship_code: str = Field(
        "STANDARD", description="Houzz shipping code assumed when an order carries none")
    hold_unmapped_ship_codes: bool = Field(
        False, description="hold orders whose shipping code has no ship-method mapping")
    hold_on_total_mismatch: bool = Field(
        True, description="hold orders whose Houzz total differs from lines+shipping+tax")
    download_every_s: float = Field(300, gt=0, description="seconds between order downloads")
    deliver_every_s: float = Field(60, gt=0, description="seconds between delivery runs")
    retry_base_s: float = Field(30, ge=0, description="first retry delay after a failure")
    retry_cap_s: float = Field(3600, ge=0, description="longest delay between retries")
    retry_max_attempts: int = Field(
        12, ge=1, description="delivery attempts before an order is held for a person")
    qbc_timeout_s: float = Field(
        30, gt=0, description="seconds a QuickBooks Commerce call may take, whole answer "
        "included")
    houzz_timeout_s: float = Field(
        30, gt=0, description="seconds a Houzz call may take, whole answer included")
    ship_confirm_when: Literal["fully_shipped", "first_package"] = Field(
        "fully_shipped", description="when tracking goes to Houzz: once every product line "
        "has shipped in QBC (fully_shipped), or at the first package (first_package)")
    default_carrier_code: str = Field(
        "", description="Houzz carrier code for QBC carriers with no mapping (empty: hold "
        "the order until the carrier is mapped with orderbridge carrier map)")
    missing_tracking: Literal["hold", "post"] = Field(
        "hold", description="a package without a tracking number: hold the order (hold) or "
        "confirm to Houzz with the tracking numbers there are (post)")
    confirm_concurrency: int = Field(
        16, ge=1, le=64, description="tracking confirmations sent to Houzz at the same time")
    shipments_every_s: float = Field(
        300, gt=0, description="seconds between reads of QBC fulfillments (tracking to Houzz)")
    fulfillment_overlap_minutes: float = Field(
        5, ge=0, description="how far each read of QBC fulfillments re-reads before the last")
    inventory_locations: str = Field(
        "", description="QBC stock locations whose stock Houzz may sell: empty = the "
        "integration's location_id (else the account's primary), all, or ids like 1,4 (summed)")
    inventory_buffer: int = Field(
        0, ge=0, description="units held back from Houzz on every SKU (safety stock)")
    inventory_minimum: int = Field(
        0, ge=0, description="a SKU with fewer sellable units than this shows 0 on Houzz")
    untracked_quantity: int = Field(
        100, ge=0, description="quantity shown on Houzz for QBC variants that do not track "
        "stock (manage_stock false)")
    inventory_concurrency: int = Field(
        16, ge=1, le=64, description="stock updates sent to Houzz at the same time")
    inventory_every_s: float = Field(
        600, gt=0, description="seconds between stock pushes from QBC to Houzz")
    cancellations_every_s: float = Field(
        300, gt=0, description="seconds between sweeps of Houzz for canceled orders")
    cancel_sweep_max_days: float = Field(
        60, gt=0, description="longest window a cancellation sweep reads; open orders older "
        "than that are checked in narrow windows of their own (and an alert says so)")
    cancel_sweep_margin_hours: float = Field(
        24, ge=0, description="how far before an open order's Houzz Created the sweep reads")
    cancel_on_houzz_when_voided: bool = Field(
        False, description="an order voided in QBC first is canceled on Houzz too")
    houzz_cancel_code: str = Field(
        "1", description="Houzz CancelCode sent when canceling an order voided in QBC")
    houzz_cancel_comments: str = Field(
        "Canceled by the seller", description="Houzz Comments sent with that cancellation")

    @field_validator("houzz_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use a name like "
                             "America/Los_Angeles") from exc
        return value

    @field_validator("inventory_locations")
    @classmethod
    def _location_list(cls, value: str) -> str:
        value = value.strip()
        if value.lower() == "all":
            return "all"
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise ValueError("use empty, all, or location ids separated by commas (e.g. 1,4)")
        return ",".join(parts)

    @field_validator("cust_ref_charset")
    @classmethod
    def _known_charset(cls, value: str) -> str:
        if value not in CHARSETS:
            raise ValueError(f"must be one of {', '.join(CHARSETS)}")
        return value

    @model_validator(mode="after")
    def _cust_ref_rules_hold(self) -> IntegrationConfig:
        self.cust_ref_rules  # noqa: B018 - raises ValueError when the three do not fit together
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.houzz_timezone)

    @property
    def cust_ref_rules(self) -> CustRefRules:
        return CustRefRules(self.cust_ref_max_length, self.cust_ref_charset, self.cust_ref_prefix)

    @property
    def inventory_location_ids(self) -> list[int] | Literal["all"] | None:
        """The locations stock is summed over: "all", the ids given, or None (the default
        location: `location_id`, else the account's primary)."""
        if self.inventory_locations == "all":
            return "all"
        ids = [int(part) for part in self.inventory_locations.split(",") if part]
        return ids or None

    @property
    def tags(self) -> list[str]:
        return [tag.strip() for tag in self.order_tags.split(",") if tag.strip()]


def config_from_rows(rows: dict[str, str]) -> IntegrationConfig:
    """The config stored as text; unknown stored keys (from a newer version) are ignored."""
    known = {key: value for key, value in rows.items() if key in IntegrationConfig.model_fields}
    return IntegrationConfig.model_validate(_none_for_empty(known))


def validated_value(rows: dict[str, str], key: str, value: str) -> str:
    """Check `key = value` against the rest of the config; the text to store."""
    if key not in IntegrationConfig.model_fields:
        known = ", ".join(sorted(IntegrationConfig.model_fields))
        raise UsageError(f"unknown setting {key!r}; known settings: {known}")
    try:
        config_from_rows({**rows, key: value})
    except ValidationError as exc:
        messages = "; ".join(error["msg"] for error in exc.errors())
        raise UsageError(f"{key} = {value!r} is not allowed: {messages}") from exc
    return value


def _none_for_empty(rows: dict[str, str]) -> dict[str, Any]:
    """An empty text clears a setting whose default is None (e.g. location_id)."""
    fields = IntegrationConfig.model_fields
    return {key: (None if value == "" and fields[key].default is None else value)
            for key, value in rows.items()}


def describe() -> list[tuple[str, str, str]]:
    """(key, default, description) for every setting, for `config show`."""
    return [(name, "" if field.default is None else str(field.default), field.description or "")
            for name, field in IntegrationConfig.model_fields.items()]
