"""Bodies of the Houzz-specific `/_sandbox/` control calls. Unknown keys are refused (422)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from orderbridge.sandbox.houzz.settings import ALL_PERMISSIONS, PermissionName


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedRequest(_Strict):
    skus: int = Field(ge=0, le=100_000)
    seed: int = 0


class PlaceOrders(_Strict):
    """Either `count` random orders or the explicit `orders`, never both."""

    count: int | None = Field(default=None, ge=0, le=10_000)
    created: str | None = None
    unknown_sku_rate: float = Field(default=0.0, ge=0, le=1)
    coupon_rate: float = Field(default=0.0, ge=0, le=1)
    orders: list[dict[str, Any]] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> PlaceOrders:
        if (self.count is None) == (self.orders is None):
            raise ValueError('give either "count" (random orders) or "orders" (explicit ones)')
        return self


class BuyerCancel(_Strict):
    comments: str | None = None


class ChargeFailure(_Strict):
    fail: bool = True


class NewCredential(_Strict):
    token: str = Field(min_length=1)
    username: str = Field(min_length=1)
    app_name: str = Field(min_length=1)
    permissions: list[PermissionName] = Field(default_factory=lambda: list(ALL_PERMISSIONS))

    @field_validator("token", "username", "app_name")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()
