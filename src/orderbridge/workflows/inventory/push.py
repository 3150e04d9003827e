"""Sending stock levels to Houzz, many at once (`concurrent_calls`), recording each answer.

Per answer: accepted → remembered as what Houzz shows; refused (`Ack` Error about the SKU, e.g.
not listed) → recorded with Houzz's message, not retried until a `--full` run; transient →
recorded, the accepted value stays, so the next cycle tries again. When Houzz keeps failing
(`MAX_CONSECUTIVE_FAILURES` in a row) the rest waits for the next cycle. A configuration
failure (credentials, permission) stops the run and is raised after what was done is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from orderbridge.connectors.houzz.client import HouzzClient
from orderbridge.errors import RecordRejected
from orderbridge.store.inventory import ACCEPTED, FAILED, REFUSED, PushOutcome
from orderbridge.workflows.concurrent_calls import Answer, send_concurrently
from orderbridge.workflows.stop import StopToken

MAX_CONSECUTIVE_FAILURES = 32


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

    def record_answers(answers: list[Answer[Push]]) -> None:
        outcomes = [_outcome(answer) for answer in answers]
        for outcome in outcomes:
            _count(tally, outcome)
        record(outcomes)

    sent = send_concurrently(pushes, lambda push: houzz.update_inventory(push.sku, push.quantity),
                             concurrency=concurrency, record=record_answers, stop=stop,
                             give_up_after=MAX_CONSECUTIVE_FAILURES)
    tally.deferred = len(sent.not_sent)
    if sent.configuration_error is not None:
        raise sent.configuration_error
    return tally


def _outcome(answer: Answer[Push]) -> PushOutcome:
    push, error = answer.item, answer.error
    if error is None:
        return PushOutcome(push.sku, push.warehouse_sku, push.quantity, ACCEPTED)
    kind = REFUSED if isinstance(error, RecordRejected) else FAILED  # failed: try next cycle
    return PushOutcome(push.sku, push.warehouse_sku, push.quantity, kind, error.message)


def _count(tally: PushTally, outcome: PushOutcome) -> None:
    if outcome.result == ACCEPTED:
        tally.pushed += 1
    elif outcome.result == REFUSED:
        tally.refused += 1
    else:
        tally.failed += 1
