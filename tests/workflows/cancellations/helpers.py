"""Helpers of the cancellation tests: buyers canceling on Houzz, and reading what each side saw."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.model import OrderStatus
from orderbridge.sandbox.launcher import QBC_TOKEN, SandboxPair
from orderbridge.store import alerts, integrations, orders
from orderbridge.store.tables import Order
from orderbridge.store.timeline import timeline
from orderbridge.workflows.context import IntegrationContext

VOID = "orders.actions.void"
FLOW = ["download", "cancellations", "deliver"]


def configure(ctx: IntegrationContext, **settings: str) -> None:
    with ctx.store.begin() as session:
        for key, value in settings.items():
            integrations.set_setting(session, ctx.integration_id, key, value)
    ctx.reload_config()


def counts(outcome: Any) -> dict[str, Any]:
    assert outcome.error is None, outcome.error
    result: dict[str, Any] = outcome.counts
    return result


def place(pair: SandboxPair, count: int, **extra: Any) -> list[str]:
    ids: list[str] = pair.control("houzz", "orders", {"count": count, **extra})["order_ids"]
    return ids


def buyer_cancels(pair: SandboxPair, order_id: str) -> None:
    pair.control("houzz", f"orders/{order_id}/cancel", {"comments": "changed my mind"})


def houzz_order(pair: SandboxPair, order_id: str) -> dict[str, Any]:
    response = pair._control.get(f"{pair.houzz_url}/_sandbox/orders/{order_id}")
    response.raise_for_status()
    found: dict[str, Any] = response.json()
    return found


def qbc_order(pair: SandboxPair, qbc_id: str) -> dict[str, Any]:
    response = pair._control.get(f"{pair.qbc_url}/_sandbox/orders/{qbc_id}")
    response.raise_for_status()
    found: dict[str, Any] = response.json()["order"]
    return found


def committed(pair: SandboxPair, sku: str) -> Decimal:
    response = pair._control.get(f"{pair.qbc_url}/_sandbox/variants", params={"sku": sku})
    response.raise_for_status()
    return Decimal(response.json()["variants"][0]["committed_stock"])


def qbc_calls(pair: SandboxPair, api_method: str | None = None) -> list[dict[str, Any]]:
    return [c for c in pair.calls("qbc") if api_method is None or c["api_method"] == api_method]


def houzz_calls(pair: SandboxPair, api_method: str) -> list[dict[str, Any]]:
    return [c for c in pair.calls("houzz") if c.get("api_method") == api_method]


def forget_calls(pair: SandboxPair) -> None:
    for base in (pair.houzz_url, pair.qbc_url):
        pair._control.delete(f"{base}/_sandbox/calls").raise_for_status()


def hub(ctx: IntegrationContext, channel_order_id: str) -> Order:
    with ctx.store.session() as session:
        order = orders.get_order_by_channel_id(session, ctx.integration_id, channel_order_id)
        assert order is not None
        return order


def status_of(ctx: IntegrationContext, channel_order_id: str) -> OrderStatus:
    return hub(ctx, channel_order_id).status


def event_kinds(ctx: IntegrationContext, channel_order_id: str) -> list[str]:
    with ctx.store.session() as session:
        return [event.kind for event in timeline(session, hub(ctx, channel_order_id).id)]


def event_messages(ctx: IntegrationContext, channel_order_id: str) -> list[str]:
    with ctx.store.session() as session:
        return [event.message for event in timeline(session, hub(ctx, channel_order_id).id)]


def alerts_of(ctx: IntegrationContext, kind: str, *, active_only: bool = False) -> list[str]:
    with ctx.store.session() as session:
        return [a.message for a in alerts.list_alerts(session, ctx.integration_id,
                                                      active_only=active_only) if a.kind == kind]


def impatient_qbc(ctx: IntegrationContext, pair: SandboxPair, timeout_s: float = 0.2) -> None:
    """Give the context a QBC client that gives up after one short attempt (timeouts tests)."""
    ctx.close()
    ctx._qbc = QbcClient(QBC_TOKEN, pair.qbc_url, timeout=timeout_s, max_attempts=1,
                         clock=ctx.clock)
