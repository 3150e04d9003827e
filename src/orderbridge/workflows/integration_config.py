"""An integration's settings: what `orderbridge config set KEY VALUE` can change.

Stored as text per integration (store: integration_settings) and read through this model, so
every value is validated once, with a message that says what is allowed, and every key has a
default a merchant can rely on. Every number has bounds a real store can need (no infinity, no
NaN): a typo such as `1e9` is refused when set instead of stalling a job for years.

Bounds may tighten in a new version. A value stored under looser ones must not stop every
later sync, so `config_from_rows` runs such a key at its default and `config_problems` says
which keys need fixing (`orderbridge config show` prints it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from annotated_types import Ge, Gt, Le
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

from orderbridge.errors import UsageError
from orderbridge.store.mappings import unprintable_character
from orderbridge.workflows.cust_ref_rules import CHARSETS, CustRefRules
from orderbridge.workflows.notifications import addresses

DAY_S = 86_400
WEEK_S = 7 * DAY_S
MAX_UNITS = 1_000_000
EARLIEST_ORDER_DATE = date(2000, 1, 1)
LARGEST_ID = 2**63 - 1  # what a 64-bit integer holds: any id QBC or a database can give
ORDER_PART_MIN = 6
"""Characters `CustRefRules` keeps for the order part of a cust_ref (after the prefix)."""


class IntegrationConfig(BaseModel):
    """Every setting of one integration, with its default."""

    # validate_default: a default is checked against the stored values it meets (a stored
    # retry_base_s above the default retry_cap_s is refused, not silently capped)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              validate_default=True)

    delivery: Literal["live", "preview"] = Field(
        "live", description="preview: download and translate orders but send nothing to QBC")
    status_filter: str = Field(
        "Charged", description="Houzz getOrders Status filter (Charged since Houzz's 2021 change)")
    houzz_timezone: str = Field(
        "America/Los_Angeles", description="time zone Houzz order times are read in")
    # At least 1 h: Houzz compares zone-less wall times, and on the night clocks fall back a
    # window start inside the repeated hour reads as up to an hour later than it is; with less
    # than an hour of overlap, orders placed just after the last poll fall outside both polls.
    window_overlap_hours: float = Field(
        24, ge=1, le=168, description="how far each order poll re-reads before the last one")
    initial_import_days: int = Field(
        14, ge=0, le=3650, description="first run: import open orders created in the last N "
        "days")
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
        None, ge=1, le=LARGEST_ID,
        description="QBC stock location orders ship from (default: primary)")
    order_tags: str = Field("houzz", description="comma-separated tags put on QBC orders")
    default_ship_code: str = Field(
        "STANDARD", description="Houzz shipping code assumed when an order carries none")
    hold_unmapped_ship_codes: bool = Field(
        False, description="hold orders whose shipping code has no ship-method mapping")
    hold_on_total_mismatch: bool = Field(
        True, description="hold orders whose Houzz total differs from lines+shipping+tax")
    download_every_s: float = Field(
        60, ge=0.1, le=WEEK_S, description="seconds between order downloads")
    deliver_every_s: float = Field(
        60, ge=0.1, le=WEEK_S, description="seconds between delivery runs")
    retry_base_s: float = Field(
        30, ge=0, le=DAY_S, description="first retry delay after a failure")
    retry_cap_s: float = Field(
        3600, ge=0, le=WEEK_S, description="longest delay between retries (at least "
        "retry_base_s)")
    retry_max_attempts: int = Field(
        12, ge=1, le=100, description="delivery attempts before an order is held for a person")
    # From 0.1 s (not 1 s): the tests run the hub against loopback sandboxes with 0.3 s.
    qbc_timeout_s: float = Field(
        30, ge=0.1, le=600, description="seconds a QuickBooks Commerce call may take, whole "
        "answer included")
    houzz_timeout_s: float = Field(
        30, ge=0.1, le=600, description="seconds a Houzz call may take, whole answer included")
    max_wait_s: float = Field(
        300, ge=1, le=3600, description="longest a call may wait for a rate-limit window or a "
        "Retry-After; a longer wait ends the job with a transient error and the next run "
        "retries")
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
    # 120 s for shipments and inventory: with webhooks off, a shipment or a stock change
    # reaches Houzz within about 2 min (the goal: p95 within 5), and an idle run costs one QBC
    # call, so each costs at most 30 of QBC's 3,600 calls an hour and the idle schedule as a
    # whole stays under 10 % of the budget.
    shipments_every_s: float = Field(
        120, ge=0.1, le=WEEK_S,
        description="seconds between reads of QBC fulfillments (tracking to Houzz)")
    fulfillment_overlap_minutes: float = Field(
        5, ge=0, le=1440,
        description="how far each read of QBC fulfillments re-reads before the last")
    inventory_locations: str = Field(
        "", description="QBC stock locations whose stock Houzz may sell: empty = the "
        "integration's location_id (else the account's primary), all, or ids like 1,4 (summed)")
    inventory_buffer: int = Field(
        0, ge=0, le=MAX_UNITS,
        description="units held back from Houzz on every SKU (safety stock)")
    inventory_minimum: int = Field(
        0, ge=0, le=MAX_UNITS,
        description="a SKU with fewer sellable units than this shows 0 on Houzz")
    untracked_quantity: int = Field(
        100, ge=0, le=MAX_UNITS, description="quantity shown on Houzz for QBC variants that "
        "do not track stock (manage_stock false)")
    inventory_concurrency: int = Field(
        16, ge=1, le=64, description="stock updates sent to Houzz at the same time")
    inventory_every_s: float = Field(
        120, ge=0.1, le=WEEK_S, description="seconds between stock pushes from QBC to Houzz")
    inventory_full_every_s: float = Field(
        21_600, ge=60, le=WEEK_S, description="seconds between full reads of every QBC "
        "variant (the others read only variants changed since the last read)")
    webhooks: Literal["off", "on"] = Field(
        "off", description="on: QBC webhooks (orderbridge webhooks register) tell the hub of "
        "shipments and stock changes at once, and shipments and inventory are polled only "
        "every reconcile_every_s, as a safety net")
    reconcile_every_s: float = Field(
        900, ge=10, le=DAY_S, description="with webhooks on: seconds between the polling "
        "reads of shipments and inventory that catch what no webhook said")
    webhooks_every_s: float = Field(
        3600, ge=10, le=DAY_S, description="seconds between checks that QBC still has the "
        "hub's webhooks (one call; any it deleted are registered again)")
    cancellations_every_s: float = Field(
        300, ge=0.1, le=WEEK_S, description="seconds between sweeps of Houzz for canceled orders")
    cancel_sweep_max_days: float = Field(
        60, ge=1, le=365, description="longest window a cancellation sweep reads; open orders "
        "older than that are checked in narrow windows of their own (and an alert says so)")
    cancel_sweep_margin_hours: float = Field(
        24, ge=0, le=168,
        description="how far before an open order's Houzz Created the sweep reads")
    cancel_on_houzz_when_voided: bool = Field(
        False, description="an order voided in QBC first is canceled on Houzz too")
    houzz_cancel_code: str = Field(
        "1", description="Houzz CancelCode sent when canceling an order voided in QBC")
    houzz_cancel_comments: str = Field(
        "Canceled by the seller", description="Houzz Comments sent with that cancellation")
    # alerts by email and webhook (workflows.notifications); the SMTP password and the webhook
    # signing secret are credentials (connectors "smtp" and "webhook"), never settings
    alert_email_to: str = Field(
        "", description="addresses alerts are emailed to, comma-separated (empty: no email)")
    alert_email_from: str = Field(
        "", description="From address of alert emails (empty: smtp_user if it is an address, "
        "else orderbridge@smtp_host)")
    smtp_host: str = Field("", description="mail server alerts are sent through")
    smtp_port: int = Field(
        587, ge=1, le=65535, description="mail server port (587 with STARTTLS; 465 uses TLS "
        "from the start)")
    smtp_user: str = Field("", description="mail server user name (empty: no login)")
    smtp_starttls: bool = Field(
        True, description="upgrade the mail connection with STARTTLS before logging in")
    alert_webhook_url: str = Field(
        "", description="address alerts are POSTed to as signed JSON (empty: no webhook)")
    alert_batch_minutes: int = Field(
        15, ge=1, le=1440, description="minutes new alerts are collected into one email / one "
        "webhook call (urgent ones go at once)")
    notify_every_s: float = Field(
        60, ge=0.1, le=WEEK_S, description="seconds between checks for alerts to send")

    @field_validator("*")
    @classmethod
    def _printable_text(cls, value: Any) -> Any:
        bad = unprintable_character(value) if isinstance(value, str) else None
        if bad is not None:
            raise ValueError(f"it holds the control character U+{ord(bad):04X}; type the "
                             "value on one line, without control characters")
        return value

    @field_validator("alert_email_to")
    @classmethod
    def _email_list(cls, value: str) -> str:
        return addresses.email_list(value)

    @field_validator("alert_email_from")
    @classmethod
    def _email_address(cls, value: str) -> str:
        return addresses.email_address(value)

    @field_validator("smtp_host")
    @classmethod
    def _host_name(cls, value: str) -> str:
        return addresses.host_name(value)

    @field_validator("alert_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        return addresses.webhook_url(value)

    @field_validator("houzz_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use a name like "
                             "America/Los_Angeles") from exc
        return value

    @field_validator("earliest_order_date")
    @classmethod
    def _past_date(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None:
            return value
        if value < EARLIEST_ORDER_DATE:
            raise ValueError(f"use a date on or after {EARLIEST_ORDER_DATE} (YYYY-MM-DD)")
        zone = ZoneInfo(info.data.get("houzz_timezone", "America/Los_Angeles"))
        today = datetime.now(zone).date()
        if value > today:
            raise ValueError(f"{value} is in the future (today is {today} in {zone.key})")
        return value

    @field_validator("retry_cap_s")
    @classmethod
    def _cap_above_base(cls, value: float, info: ValidationInfo) -> float:
        base = info.data.get("retry_base_s")
        if base is not None and value < base:
            raise ValueError(f"retry_cap_s ({value:g}) must be at least retry_base_s "
                             f"({base:g}): raise retry_cap_s or lower retry_base_s")
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

    @field_validator("cust_ref_prefix")
    @classmethod
    def _prefix_fits(cls, value: str, info: ValidationInfo) -> str:
        """Checked on the prefix, the last of the three, so a bad one is named as the key."""
        length, charset = info.data.get("cust_ref_max_length"), info.data.get("cust_ref_charset")
        if length is None or charset is None:
            return value  # reported on its own key
        room = length - ORDER_PART_MIN
        if len(value) > room:
            raise ValueError(f"the cust_ref prefix {value!r} is {len(value)} characters; with "
                             f"cust_ref_max_length {length} it may be at most {max(room, 0)}, "
                             f"so {ORDER_PART_MIN} are left for the order number: shorten the "
                             "prefix or raise cust_ref_max_length")
        CustRefRules(length, charset, value)  # ValueError: a character outside the charset
        return value

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


@dataclass(frozen=True)
class _Settled:
    """The stored rows that validate together, and why the others were left out."""

    kept: dict[str, str]
    dropped: list[tuple[str, str, str]]  # (key, stored value, why it is not allowed)


_CHECKED_AGAINST = {"retry_cap_s": ("retry_base_s",)}
"""Keys whose default is checked against a stored value: an error on such a default is the
stored value's fault."""


def _settle(rows: dict[str, str]) -> _Settled:
    """Leave out, one failing key at a time, the stored values the model refuses."""
    kept = {key: value for key, value in rows.items() if key in IntegrationConfig.model_fields}
    dropped: list[tuple[str, str, str]] = []
    while True:
        try:
            IntegrationConfig.model_validate(_none_for_empty(kept))
        except ValidationError as exc:
            culprits = _culprits(exc.errors(), kept)
            if not culprits:
                if not kept:
                    raise  # the defaults themselves fail: a bug, not a stored value
                # not expected: no stored key explains it, so all of them run at the default
                culprits = {key: "it does not fit with the other settings" for key in kept}
            for key, reason in culprits.items():
                dropped.append((key, kept.pop(key), reason))
            continue
        return _Settled(kept, dropped)


def _culprits(errors: list[ErrorDetails], stored: dict[str, str]) -> dict[str, str]:
    culprits: dict[str, str] = {}
    for error in errors:
        key = str(error["loc"][0]) if error["loc"] else ""
        for culprit in (key,) if key in stored else _CHECKED_AGAINST.get(key, ()):
            if culprit in stored:
                culprits.setdefault(culprit, _reason(error, culprit))
    return culprits


def config_from_rows(rows: dict[str, str]) -> IntegrationConfig:
    """The config stored as text; unknown stored keys (from a newer version) are ignored, and a
    stored value the model refuses runs at its default (see `config_problems`)."""
    return IntegrationConfig.model_validate(_none_for_empty(_settle(rows).kept))


def config_problems(rows: dict[str, str], integration: str | None = None) -> list[str]:
    """One line per stored value that runs at its default because it is not allowed (any
    more), with the command that fixes it (`--integration` added when `integration` is given)."""
    option = f" --integration {integration}" if integration is not None else ""
    defaults = dict((key, default) for key, default, _ in describe())
    return [f"stored {key} = {value!r} is not allowed ({reason}); it runs at its default "
            f"{defaults[key] or '(none)'}; fix it with orderbridge config set {key} VALUE{option}"
            for key, value, reason in _settle(rows).dropped]


def validated_value(rows: dict[str, str], key: str, value: str) -> str:
    """Check `key = value` against the rest of the config (stored values that are not allowed
    any more are left out, so they never block fixing another key); the text to store."""
    if key not in IntegrationConfig.model_fields:
        known = ", ".join(sorted(IntegrationConfig.model_fields))
        raise UsageError(f"unknown setting {key!r}; known settings: {known}")
    try:
        IntegrationConfig.model_validate(_none_for_empty({**_settle(rows).kept, key: value}))
    except ValidationError as exc:
        reasons = "; ".join(dict.fromkeys(_reason(error, key) for error in exc.errors()))
        raise UsageError(f"{key} = {value!r} is not allowed: {reasons}") from exc
    return value


def _reason(error: ErrorDetails, key: str) -> str:
    """Pydantic's message without its "Value error, " prefix: with the allowed range when it
    is about the number of `key`, with the key it concerns when that is another one."""
    message = error["msg"].removeprefix("Value error, ")
    concerns = str(error["loc"][0]) if error["loc"] else key
    if concerns != key:
        return message if concerns in message else f"{concerns}: {message}"
    span = allowed_range(key) if error["type"] != "value_error" else None
    return f"{message} (allowed: {span})" if span else message


def allowed_range(key: str) -> str | None:
    """The bounds of a numeric setting, e.g. "1 to 168"; None for a setting without bounds."""
    lower = upper = None
    for rule in IntegrationConfig.model_fields[key].metadata:
        if isinstance(rule, Ge):
            lower = f"{rule.ge:,}"
        elif isinstance(rule, Gt):
            lower = f"more than {rule.gt:,}"
        elif isinstance(rule, Le) and rule.le != LARGEST_ID:
            upper = f"{rule.le:,}"
    if lower is None:
        return None
    return f"{lower} or more" if upper is None else f"{lower} to {upper}"


def _none_for_empty(rows: dict[str, str]) -> dict[str, Any]:
    """An empty text clears a setting whose default is None (e.g. location_id)."""
    fields = IntegrationConfig.model_fields
    return {key: (None if value == "" and fields[key].default is None else value)
            for key, value in rows.items()}


def describe() -> list[tuple[str, str, str]]:
    """(key, default, description) for every setting, for `config show`."""
    return [(name, "" if field.default is None else str(field.default), field.description or "")
            for name, field in IntegrationConfig.model_fields.items()]
