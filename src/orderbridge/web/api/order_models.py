"""The JSON shapes of ``/api/v1/orders``: the documents of `workflows.order_view`, typed so
that they appear in the OpenAPI schema (and are checked on the way out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from orderbridge.model import OrderStatus


class OrderSummaryOut(BaseModel):
    """One order of a list."""

    cust_ref: str | None = Field(description="The hub's short order number (QBC's order "
                                             "number)")
    houzz_order_id: str = Field(description="The Houzz OrderId (cust_po_no)")
    status: OrderStatus
    order_date: datetime | None
    buyer: str | None = Field(description="The ship-to person's name")
    qbc_order_id: str | None
    hold_reason_code: str | None
    hold_reason: str | None = Field(description="What to fix, when the order is held")
    outbound_effect: str | None
    outbound_state: str
    outbound_attempts: int
    next_attempt_at: datetime | None
    last_error: str | None


class OrderPageOut(BaseModel):
    """A page of the matching orders, newest first."""

    total: int = Field(description="How many orders match in all")
    limit: int
    offset: int
    orders: list[OrderSummaryOut]


class TimelineEventOut(BaseModel):
    at: datetime
    kind: str
    message: str
    data: dict[str, Any] | None


class PackageOut(BaseModel):
    """A package QBC shipped (one fulfillment)."""

    fulfillment_id: str
    carrier: str | None
    service: str | None
    tracking_number: str | None
    tracking_url: str | None
    tracking_link: str | None = Field(description="Where to track it: QBC's tracking URL, "
                                                  "else the carrier's tracking page")
    shipped_at: datetime | None
    lines: list[dict[str, Any]]


class ActionsOut(BaseModel):
    """Per action, null when it applies now, else why not."""

    retry: str | None
    release: str | None
    cancel: str | None


class OrderDetailOut(OrderSummaryOut):
    """Everything about one order; secret-looking values in the payloads are masked."""

    channel_status: str | None
    cancel_state: str | None
    order: dict[str, Any] | None = Field(description="The canonical order (lines with the "
                                                     "Houzz SKU and the QBC SKU)")
    qbc_variants: dict[str, list[int]]
    houzz_payload: dict[str, Any] = Field(description="The order as Houzz sent it")
    qbc_payload: dict[str, Any] | None = Field(description="What was sent to QBC (or, in "
                                                           "preview, would be)")
    packages: list[PackageOut]
    actions: ActionsOut
    timeline: list[TimelineEventOut]


class ActionOut(BaseModel):
    """What an action did, and the order after it."""

    message: str
    next_job: str = Field(description="The job that takes the order on next")
    job_run: str | None = Field(description="What that job did, when it was run at once")
    paused: str | None = Field(description="Why the integration is paused, if it is")
    order: OrderDetailOut
