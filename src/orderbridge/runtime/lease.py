"""Holding a job's lease while the job runs, so no other process runs it at the same time.

``with held(store, integration_id, "deliver") as lease:`` takes the lease (``LeaseBusy``,
naming the holder, if another live process has it), renews it from a daemon thread every
``ttl_s / 3`` while the block runs, and releases it when the block ends, also on an exception.
A process that dies stops renewing; its lease lapses after ``ttl_s`` and another process takes
the job over, at once if the dead holder ran on this host (its pid is gone: a `sync` killed
and restarted picks up where it stopped, without waiting out the TTL). Orders it left in
flight are then looked up before any resend, as after a crash.

Renewing is the lease's heartbeat: each renewal is its own short transaction with a bounded
wait and never raises. If a renewal finds the lease taken by someone else, or renewals keep
failing until the lease may have lapsed, ``lease.lost`` is set and ``lease.stop`` (the job's
stop token, see ``LeaseStop``) asks the job to end at its next safe step, as Ctrl-C does.

Lease times are the real wall clock of each process (``SystemClock``): they say whether a
process is alive, not business time, and the hosts' clocks are assumed to agree to well within
the TTL (``orderbridge.store.leases``).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from orderbridge.clock import Clock, SystemClock
from orderbridge.errors import OrderbridgeError
from orderbridge.runtime import metrics
from orderbridge.store import leases
from orderbridge.store.leases import LeaseHolder
from orderbridge.store.migrate import Store
from orderbridge.workflows.stop import StopToken

log = logging.getLogger(__name__)

DEFAULT_TTL_S = 60.0
"""How long a lease outlives its holder's last renewal: far above any clock skew between
hosts, and long enough that a slow renewal (a busy database) does not lose it."""

RENEWAL_TIMEOUT_MS = 5_000
"""The longest a renewal statement may wait on PostgreSQL (SQLite: its busy timeout)."""

_ANY_TIME = datetime(1970, 1, 1, tzinfo=UTC)
"""Before every expiry: ``holder_of`` at this time names the holder of any row left (a
released lease has no row), so a lapsed lease taken over is counted (`runtime.metrics`)."""


def new_holder() -> str:
    """A holder name unique to one taking of a lease: ``host:pid:random``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def died_on_this_host(holder: str) -> bool:
    """Whether ``holder`` (see `new_holder`) names a process of this host that is gone. A
    holder of another host, or a name not made by `new_holder`, is never judged dead here."""
    host, _, rest = holder.partition(":")
    pid_text, _, _ = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # exists, but belongs to someone else
        return False
    return False


class LeaseBusy(OrderbridgeError):
    """Another live process holds the lease."""

    def __init__(self, job: str, holder: LeaseHolder) -> None:
        super().__init__(f"running in another process ({holder.holder}) since "
                         f"{holder.acquired_at:%Y-%m-%d %H:%M:%S} UTC")
        self.job = job
        self.holder = holder


class LeaseStop(StopToken):
    """The job's stop token under a lease: stopped when the caller's token is, or when the
    lease is lost (the job must not go on doing what another process may now be doing)."""

    POLL_S = 0.1

    def __init__(self, parent: StopToken | None, lost: threading.Event) -> None:
        super().__init__()
        self._parent = parent
        self._lost = lost

    @property
    def stopped(self) -> bool:
        parent = self._parent is not None and self._parent.stopped
        return parent or self._lost.is_set() or super().stopped

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``, waking within ``POLL_S`` of any of the three stops."""
        remaining = seconds
        while remaining > 0 and not self.stopped:
            slice_s = min(self.POLL_S, remaining)
            super().wait(slice_s)
            remaining -= slice_s
        return self.stopped


@dataclass
class Lease:
    """A lease held on one job of one integration."""

    store: Store
    integration_id: int
    job: str
    holder: str
    ttl_s: float
    clock: Clock
    lost: threading.Event = field(default_factory=threading.Event)
    stop: StopToken = field(default_factory=StopToken)
    """The stop token to give the job (a ``LeaseStop`` when taken by ``held``)."""
    _expires_at: float = 0.0
    _done: threading.Event = field(default_factory=threading.Event)

    @property
    def interval_s(self) -> float:
        return self.ttl_s / 3

    def renew_once(self) -> bool:
        """One renewal in its own transaction; False once the lease is lost. Never raises."""
        if self.lost.is_set():
            return False
        now = self.clock.now()
        try:
            with self.store.begin() as session:
                ours = leases.renew(session, self.integration_id, self.job, self.holder,
                                    self.ttl_s, now, wait_ms=RENEWAL_TIMEOUT_MS)
        except Exception as exc:  # a database hiccup: try again, unless time is up
            if self._done.is_set():
                return False
            if self._expires_at - self.clock.time() > self.interval_s:
                log.warning("could not renew the lease on %s (%s: %s); trying again",
                            self.job, type(exc).__name__, exc)
                return True
            self._lose(f"it could not be renewed before it lapsed ({type(exc).__name__}: {exc})")
            return False
        if not ours:
            if self._done.is_set():  # released meanwhile: the job is over
                return False
            self._lose("another process took it over (it lapsed before it was renewed)")
            return False
        self._expires_at = now.timestamp() + self.ttl_s
        return True

    def _lose(self, why: str) -> None:
        log.warning("lost the lease on %s: %s; the job stops at its next safe step", self.job,
                    why)
        self.lost.set()

    def _renew_until_done(self) -> None:
        while not self._done.wait(self.interval_s):
            if not self.renew_once():
                return

    def _release(self) -> None:
        if self.lost.is_set():
            return
        try:
            with self.store.begin() as session:
                leases.release(session, self.integration_id, self.job, self.holder)
        except Exception as exc:  # it lapses by itself after ttl_s
            log.warning("could not release the lease on %s (%s: %s); it lapses in %gs",
                        self.job, type(exc).__name__, exc, self.ttl_s)


def take(store: Store, integration_id: int, job: str, *, ttl_s: float = DEFAULT_TTL_S,
         holder: str | None = None, clock: Clock | None = None) -> Lease:
    """Take the lease in one transaction (not renewed: ``held`` does that); ``LeaseBusy``
    if another live process holds it."""
    lease = Lease(store, integration_id, job, holder or new_holder(), ttl_s,
                  clock or SystemClock())
    now = lease.clock.now()
    with store.begin() as session:
        left = leases.holder_of(session, integration_id, job, _ANY_TIME)  # a lapsed one too
        if not leases.take(session, integration_id, job, lease.holder, ttl_s, now):
            _take_from_the_holder(session, lease, now)
        elif left is not None and left.holder != lease.holder:  # it lapsed: taken over
            metrics.lease_taken_over(job)
    lease._expires_at = now.timestamp() + ttl_s
    return lease


def _take_from_the_holder(session: Session, lease: Lease, now: datetime) -> None:
    """The lease is held: ``LeaseBusy`` unless its holder is a dead process of this host, whose
    lease is then taken over (or it was released meanwhile and is taken now)."""
    other = leases.holder_of(session, lease.integration_id, lease.job, now)
    if other is None:  # released between the two statements: the job is free again
        if not leases.take(session, lease.integration_id, lease.job, lease.holder, lease.ttl_s,
                           now):
            raise OrderbridgeError(f"could not take the lease on {lease.job}")
        return
    if not died_on_this_host(other.holder) or not leases.take_over(
            session, lease.integration_id, lease.job, other.holder, lease.holder, lease.ttl_s,
            now):
        raise LeaseBusy(lease.job, other)
    log.info("took over the lease on %s from %s, which is no longer running", lease.job,
             other.holder)
    metrics.lease_taken_over(lease.job)


@contextmanager
def held(store: Store, integration_id: int, job: str, ttl_s: float = DEFAULT_TTL_S, *,
         stop: StopToken | None = None, holder: str | None = None,
         clock: Clock | None = None) -> Iterator[Lease]:
    """Hold the lease on ``job`` for the block (see the module docstring); ``stop`` is the
    caller's stop token, which ``lease.stop`` follows."""
    lease = take(store, integration_id, job, ttl_s=ttl_s, holder=holder, clock=clock)
    lease.stop = LeaseStop(stop, lease.lost)
    renewer = threading.Thread(target=lease._renew_until_done, daemon=True,
                               name=f"lease-{job}")
    renewer.start()
    try:
        yield lease
    finally:
        lease._done.set()
        renewer.join(timeout=RENEWAL_TIMEOUT_MS / 1000 + 15)
        lease._release()
