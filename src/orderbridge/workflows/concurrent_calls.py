"""Many Houzz calls at once (bounded), each answer handed back as it comes, in batches.

Houzz takes one SKU per `updateInventory` and one order per `updateOrder` (reference §5, §6),
so 10,000 changed SKUs are 10,000 calls: at 100 ms each they only fit in minutes when sent
side by side. A thread pool of `concurrency` workers shares the one `HouzzClient` (its
connection pool is sized to match); answers are passed to `record` from the calling thread in
batches, so the store sees one writer. Sending stops early when a stop is asked, when a
configuration failure says the credentials need a person, or when the remote keeps failing
(`give_up_after` transient failures in a row); what was not sent is returned for the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from orderbridge.errors import ConfigurationError, RecordRejected, RemoteError
from orderbridge.workflows.stop import StopToken, stopped

T = TypeVar("T")
RECORD_EVERY = 250


@dataclass(frozen=True)
class Answer(Generic[T]):
    """What the remote answered to the call for one item: nothing (done), or its error."""

    item: T
    error: RemoteError | None = None


@dataclass
class Sent(Generic[T]):
    """How a round of calls went."""

    not_sent: list[T] = field(default_factory=list)
    """Items never sent (stopped, paused, or the remote kept failing): next run's."""
    configuration_error: ConfigurationError | None = None
    """Set when the credentials need a person (the caller pauses the integration)."""


def send_concurrently(items: Sequence[T], call: Callable[[T], object], *, concurrency: int,
                      record: Callable[[list[Answer[T]]], None], stop: StopToken | None = None,
                      give_up_after: int | None = None,
                      record_every: int = RECORD_EVERY) -> Sent[T]:
    """Call ``call(item)`` for every item, at most ``concurrency`` at a time; ``record`` gets
    the answers in batches (configuration failures are not answers: see ``Sent``)."""
    sent: Sent[T] = Sent()
    queue = list(reversed(items))
    answered: list[Answer[T]] = []
    failing = 0
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="houzz") as pool:
        running: dict[Future[object], T] = {}
        while True:
            halt = (sent.configuration_error is not None or stopped(stop)
                    or (give_up_after is not None and failing >= give_up_after))
            while not halt and queue and len(running) < concurrency:
                item = queue.pop()
                running[pool.submit(call, item)] = item
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item = running.pop(future)
                answer = _answer(future, item)
                if isinstance(answer.error, ConfigurationError):
                    sent.configuration_error = sent.configuration_error or answer.error
                    sent.not_sent.append(item)
                    continue
                answered.append(answer)
                transient = answer.error is not None and not isinstance(
                    answer.error, RecordRejected)
                failing = failing + 1 if transient else 0
            if len(answered) >= record_every:
                record(answered)
                answered = []
    if answered:
        record(answered)
    sent.not_sent.extend(reversed(queue))
    return sent


def _answer(future: Future[object], item: T) -> Answer[T]:
    try:
        future.result()
    except RemoteError as exc:
        return Answer(item, exc)
    return Answer(item)
