"""Webhook delivery for the QBC simulator: sign, POST, retry, give up (reference §7.7).

The hub can subscribe to `order.create`, `fulfillment.fulfilled` and so on instead of polling, so
the simulator must deliver the way QBC does, failures included. Choices where the reference is
silent or where the sandbox compresses time:

- **Body**: `{"object_id","event","timestamp","resource_url"}` serialised once, compactly (as
  Ruby's `to_json` does), and signed over those exact bytes; every attempt sends the same bytes.
  The event name is sent as the simulator published it (singular, e.g. `fulfillment.create`),
  not the plural of the docs' example (§10 Q5).
- **Signature**: `X-Gecko-Signature` = Base64(HMAC-SHA256(key = the subscription's OAuth
  application secret, message = raw body)), no whitespace. If the application is gone (no
  secret), nothing is sent and the attempt is recorded with an error.
- **Delivery id**: `X-Gecko-Delivery` is a fresh UUID4 per (event, subscription) and stays the
  same on every retry of that delivery, so a receiver can drop duplicates.
- **Outcome**: 200-399 succeeds (redirects are not followed). 410 Gone calls `on_gone` and stops.
  Anything else, a transport error or no answer within `timeout_s` (10 s, as the docs require) is
  retried after each of `retry_delays_s` (1, 2, 4, 8, 16 s by default, real time, not the
  simulator clock). The real service retries Sidekiq-style for days and deletes the webhook after
  3 days of failures; the sandbox compresses that: when the last retry fails, `on_gone` is called.
- A retry is skipped once the subscription is no longer listed by `subscriptions()` (deleted
  through the API or after a 410).
- **Anywhere**: the sandbox POSTs to whatever address was registered, loopback or not, with no
  proxy from the environment (`trust_env=False`). Tests only ever register loopback addresses.
- **Scheduling**: `handle` is called from request handlers; it schedules a task on the running
  event loop (or, with no loop running, a daemon thread with its own loop) and returns at once.
  It never raises into the caller.
- **Faults** (`POST /_sandbox/webhook-faults`, see `webhook_faults`): a delivery can be dropped
  (logged as attempt 0 with `"fault": "dropped"`, never sent), delayed (its first attempt is
  logged with `"fault": "delayed"` and `delay_s`) or duplicated (one extra POST of the same bytes
  and delivery id shortly after the first attempt, logged as attempt 1 with
  `"fault": "duplicate"`; its answer decides nothing). `fault_counts()` counts those marks;
  `reset()` clears the faults and the counts.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from orderbridge.clock import Clock, SystemClock
from orderbridge.sandbox.qbc.events import Event, WebhookSubscription
from orderbridge.sandbox.qbc.tokens import TokenRegistry
from orderbridge.sandbox.qbc.webhook_faults import (
    FAULT_KINDS,
    FaultKind,
    WebhookFaultDraw,
    WebhookFaultInjector,
    WebhookFaultSettings,
)

log = logging.getLogger(__name__)


def sign(secret: str, body: bytes) -> str:
    """The `X-Gecko-Signature` of `body` for an application with `secret`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class _Delivery:
    """One event to one subscription: the bytes and headers every attempt sends."""

    delivery_id: str
    subscription: WebhookSubscription
    event: Event
    body: bytes
    generation: int
    faults: WebhookFaultDraw


class WebhookDispatcher:
    """Delivers events to matching webhook subscriptions and logs every attempt."""

    def __init__(
        self,
        subscriptions: Callable[[], list[WebhookSubscription]],
        tokens: TokenRegistry,
        on_gone: Callable[[int], None],
        clock: Clock | None = None,
        retry_delays_s: Sequence[float] = (1, 2, 4, 8, 16),
        timeout_s: float = 10,
        faults: WebhookFaultInjector | None = None,
    ) -> None:
        self._subscriptions = subscriptions
        self._tokens = tokens
        self._on_gone = on_gone
        self._clock = clock or SystemClock()
        self._retry_delays_s = tuple(retry_delays_s)
        self._timeout_s = timeout_s
        self.faults = faults or WebhookFaultInjector()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._attempts: list[dict[str, Any]] = []
        self._fault_counts: Counter[FaultKind] = Counter()
        self._tasks: dict[asyncio.Task[None], asyncio.AbstractEventLoop] = {}
        self._pending = 0
        self._generation = 0

    # -- public API ---------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        """Schedule delivery of `event` to every subscription for its name and account."""
        try:
            matching = [sub for sub in self._subscriptions()
                        if sub.event == event.name and sub.account_id == event.account_id]
            for subscription in matching:
                delivery = self._prepare(subscription, event)
                if delivery.faults.dropped:
                    self._record(delivery, 0, None, None, fault="dropped")
                else:
                    self._schedule(delivery)
        except Exception:
            log.exception("could not schedule webhook deliveries for %s", event.name)

    def deliveries(self) -> list[dict[str, Any]]:
        """Every attempt, oldest first."""
        with self._lock:
            return [dict(attempt) for attempt in self._attempts]

    def fault_counts(self) -> dict[str, int]:
        """How many logged attempts carry each fault mark."""
        with self._lock:
            return {kind: self._fault_counts[kind] for kind in FAULT_KINDS}

    def pending(self) -> int:
        """Deliveries scheduled or in progress (retries included)."""
        with self._lock:
            return self._pending

    async def drain(self, timeout_s: float = 10) -> bool:
        """Wait (without blocking the loop) until nothing is pending; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.pending():
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(0.005)
        return True

    def wait_idle(self, timeout_s: float = 10) -> bool:
        """Block this thread until nothing is pending; never call it on the delivering loop."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout_s)

    def reset(self) -> None:
        """Forget every attempt, clear the faults and cancel deliveries still waiting."""
        self.faults.update(WebhookFaultSettings())
        with self._lock:
            self._generation += 1
            self._attempts.clear()
            self._fault_counts.clear()
            running = list(self._tasks.items())
        for task, loop in running:
            with contextlib.suppress(RuntimeError):  # RuntimeError: that loop is closed
                loop.call_soon_threadsafe(task.cancel)

    # -- scheduling ---------------------------------------------------------------------------

    def _prepare(self, subscription: WebhookSubscription, event: Event) -> _Delivery:
        payload = {"object_id": event.object_id, "event": event.name,
                   "timestamp": event.timestamp, "resource_url": event.resource_url}
        body = json.dumps(payload, separators=(",", ":")).encode()
        with self._lock:
            generation = self._generation
        return _Delivery(str(uuid.uuid4()), subscription, event, body, generation,
                         self.faults.draw())

    def _schedule(self, delivery: _Delivery) -> None:
        with self._lock:
            self._pending += 1
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            threading.Thread(target=self._deliver_in_thread, args=(delivery,), daemon=True,
                             name=f"qbc-webhook-{delivery.delivery_id[:8]}").start()
            return
        task = loop.create_task(self._deliver(delivery))
        with self._lock:
            self._tasks[task] = loop
        task.add_done_callback(self._task_done)

    def _deliver_in_thread(self, delivery: _Delivery) -> None:
        try:
            asyncio.run(self._deliver_tracked(delivery))
        except (Exception, asyncio.CancelledError):  # cancelled by reset(), or a bug
            log.debug("webhook delivery %s ended early", delivery.delivery_id, exc_info=True)
        finally:
            self._finish_one()

    async def _deliver_tracked(self, delivery: _Delivery) -> None:
        task = asyncio.current_task()
        assert task is not None
        with self._lock:
            self._tasks[task] = asyncio.get_running_loop()
        try:
            await self._deliver(delivery)
        finally:
            with self._lock:
                self._tasks.pop(task, None)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        with self._lock:
            self._tasks.pop(task, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("webhook delivery failed", exc_info=task.exception())
        self._finish_one()

    def _finish_one(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    # -- delivery -----------------------------------------------------------------------------

    async def _deliver(self, delivery: _Delivery) -> None:
        subscription = delivery.subscription
        secret = self._tokens.app_secret(subscription.oauth_application_id)
        if secret is None:
            self._record(delivery, 1, None, "no OAuth application "
                         f"{subscription.oauth_application_id} to sign with; not sent")
            return
        headers = {"Content-Type": "application/json",
                   "X-Gecko-Delivery": delivery.delivery_id,
                   "X-Gecko-Signature": sign(secret, delivery.body)}
        faults = delivery.faults
        if faults.delay_s is not None:
            await asyncio.sleep(faults.delay_s)
        async with httpx.AsyncClient(timeout=self._timeout_s, trust_env=False,
                                     follow_redirects=False) as client:
            for attempt, delay in enumerate((0.0, *self._retry_delays_s), start=1):
                if delay:
                    await asyncio.sleep(delay)
                if not self._still_wanted(delivery):
                    return
                status, error = await self._post(client, subscription.address, delivery.body,
                                                 headers)
                delayed = attempt == 1 and faults.delay_s is not None
                self._record(delivery, attempt, status, error,
                             fault="delayed" if delayed else None,
                             delay_s=faults.delay_s if delayed else None)
                if attempt == 1 and faults.duplicate_gap_s is not None:
                    await self._send_duplicate(client, delivery, headers, faults.duplicate_gap_s)
                if status is not None and 200 <= status < 400:
                    return
                if status == 410:
                    break
        if self._still_wanted(delivery):
            self._gone(subscription.id)

    async def _send_duplicate(self, client: httpx.AsyncClient, delivery: _Delivery,
                              headers: dict[str, str], gap_s: float) -> None:
        """The same POST again, as a provider that delivers at least once sometimes does."""
        await asyncio.sleep(gap_s)
        if not self._still_wanted(delivery):
            return
        status, error = await self._post(client, delivery.subscription.address, delivery.body,
                                         headers)
        self._record(delivery, 1, status, error, fault="duplicate")

    async def _post(self, client: httpx.AsyncClient, address: str, body: bytes,
                    headers: dict[str, str]) -> tuple[int | None, str | None]:
        try:
            response = await client.post(address, content=body, headers=headers)
        except httpx.TimeoutException:
            return None, f"no answer within {self._timeout_s:g} s"
        except Exception as exc:  # connection refused, bad URL...: a failed attempt, retried
            return None, f"{type(exc).__name__}: {exc}"
        return response.status_code, None

    def _still_wanted(self, delivery: _Delivery) -> bool:
        with self._lock:
            if delivery.generation != self._generation:
                return False
        try:
            return any(sub.id == delivery.subscription.id for sub in self._subscriptions())
        except Exception:
            log.exception("could not list webhook subscriptions")
            return False

    def _gone(self, subscription_id: int) -> None:
        try:
            self._on_gone(subscription_id)
        except Exception:
            log.exception("on_gone(%s) failed", subscription_id)

    def _record(self, delivery: _Delivery, attempt: int, status: int | None,
                error: str | None, fault: FaultKind | None = None,
                delay_s: float | None = None) -> None:
        record: dict[str, Any] = {
            "delivery_id": delivery.delivery_id,
            "subscription_id": delivery.subscription.id,
            "event": delivery.event.name,
            "object_id": delivery.event.object_id,
            "address": delivery.subscription.address,
            "attempt": attempt,
            "status": status,
            "error": error,
            "fault": fault,
            "at": self._clock.now().isoformat(),
        }
        if delay_s is not None:
            record["delay_s"] = delay_s
        with self._lock:
            if delivery.generation == self._generation:
                self._attempts.append(record)
                if fault is not None:
                    self._fault_counts[fault] += 1
