"""Settings of the QBC simulator: what the reference leaves open and a merchant may want to tune."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from orderbridge.sandbox.faults import RateLimitSettings


class QbcSandboxSettings(BaseModel):
    """Knobs of one QBC simulator instance (defaults follow the reference)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(
        default=None,
        description="Public base URL used in `Location` headers and webhook `resource_url`s; "
        "None means the URL the request arrived on.",
    )
    rate_limit: RateLimitSettings = Field(
        default_factory=lambda: RateLimitSettings(limit=300, window_s=300)
    )
    default_page_size: int = Field(default=50, ge=1)
    max_page_size: int = Field(default=250, ge=1)
    idempotency_ttl_s: float = Field(default=24 * 3600, gt=0)
    access_token_ttl_s: int = Field(default=7200, gt=0)
    account_name: str = "Sandbox Home Goods"
    primary_location_label: str = "Main Warehouse"
