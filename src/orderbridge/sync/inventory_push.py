"""Sending stock levels to Houzz, many at once (bounded), recording each answer as it comes.

Houzz takes one SKU per `updateInventory` call (reference §6.1), so 10,000 changed SKUs are
10,000 calls; at 100 ms each they only fit in minutes when sent side by side. A thread pool of
`inventory_concurrency` workers shares the one `HouzzClient` (its connection pool is sized to
match). Answers are written from the calling thread in batches, so the store sees one writer.

Per answer: accepted → remembered as what Houzz shows; refused (`Ack` Error about the SKU, e.g.
not listed) → recorded with Houzz's message, not retried until a `--full` run; transient →
recorded, the accepted value stays, so the next cycle tries again. When Houzz keeps failing
(`MAX_CONSECUTIVE_FAILURES` in a row) the rest waits for the next cycle. A configuration
failure (credentials, permission) stops the run and is raised after what was done is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from orderbridge.connectors.houzz.client import HouzzClient
from orderbridge.errors import ConfigurationError, RecordRejected, RemoteError
from orderbridge.runtime.stopping import StopToken
from orderbridge.store.inventory import ACCEPTED, FAILED, REFUSED, PushOutcome

MAX_CONSECUTIVE_FAILURES = 32
RECORD_EVERY = 250


@dataclass(frozen=True)
class Push:
    sku: str
    warehouse_sku: str | None
    quantity: int


@dataclass
class PushTally:
    pushed: int = 0
    refused: int = 0
    failed: int = 0
    deferred: int = 0
    """Not sent this cycle (Houzz kept failing, or a stop was asked): next cycle sends them."""


def push_levels(houzz: HouzzClient, pushes: Sequence[Push], *, concurrency: int,
                record: Callable[[list[PushOutcome]], None],
                stop: StopToken | None = None) -> PushTally:
    """Send every push, at most `concurrency` at a time; `record` gets the answers in batches."""
    tally = PushTally()
    if not pushes:
        return tally
    queue = iter(pushes)
    answered: list[PushOutcome] = []
    config_error: ConfigurationError | None = None
    in_a_row = 0
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="houzz-stock") as pool:
        running: set[Future[PushOutcome]] = set()
        sent = 0
        while True:
            halt = (config_error is not None or in_a_row >= MAX_CONSECUTIVE_FAILURES
                    or (stop is not None and stop.stopped))
            while not halt and len(running) < concurrency and sent < len(pushes):
                running.add(pool.submit(_push_one, houzz, next(queue)))
                sent += 1
            if not running:
                break
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    outcome = future.result()
                except ConfigurationError as exc:
                    config_error = config_error or exc
                    continue
                answered.append(outcome)
                in_a_row = in_a_row + 1 if outcome.result == FAILED else 0
                _count(tally, outcome)
            if len(answered) >= RECORD_EVERY:
                record(answered)
                answered = []
        tally.deferred = len(pushes) - sent
    if answered:
        record(answered)
    if config_error is not None:
        raise config_error
    return tally


def _push_one(houzz: HouzzClient, push: Push) -> PushOutcome:
    try:
        houzz.update_inventory(push.sku, push.quantity)
    except ConfigurationError:
        raise
    except RecordRejected as exc:
        return PushOutcome(push.sku, push.warehouse_sku, push.quantity, REFUSED, exc.message)
    except RemoteError as exc:  # transient, or an answer that made no sense: try again later
        return PushOutcome(push.sku, push.warehouse_sku, push.quantity, FAILED, exc.message)
    return PushOutcome(push.sku, push.warehouse_sku, push.quantity, ACCEPTED)


def _count(tally: PushTally, outcome: PushOutcome) -> None:
    if outcome.result == ACCEPTED:
        tally.pushed += 1
    elif outcome.result == REFUSED:
        tally.refused += 1
    else:
        tally.failed += 1
