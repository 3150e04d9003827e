"""The outbound effects: the calls the hub makes on an order's behalf, each carried out once.

An order has at most one effect under way at a time (its lifecycle is a sequence: delivered,
then shipped and confirmed, or voided), so the store keeps the effect beside its progress:
``outbound_effect`` says *which* call, ``outbound_state`` *where* it is. A row in flight says
what is in flight (``delivery``, ``void``...) without anyone reading its status. The protocol
that moves them is ``orderbridge.workflows._outbound``.
"""

from __future__ import annotations

from enum import StrEnum


class OutboundEffect(StrEnum):
    """One kind of outbound call."""

    DELIVERY = "delivery"
    """The order created in QuickBooks Commerce (``POST /orders``, with an Idempotency-Key)."""
    VOID = "void"
    """The QuickBooks Commerce order voided after a cancel on Houzz."""
    SHIPMENT_CONFIRMATION = "shipment_confirmation"
    """Tracking posted to Houzz (``updateOrder`` Ship)."""
    CHANNEL_CANCEL = "channel_cancel"
    """The Houzz order canceled after the merchant voided it in QuickBooks Commerce."""


class OutboundState(StrEnum):
    """Progress of the order's current outbound effect.

    ``idle`` → ``in_flight`` (committed *before* the remote call) → ``done``. An effect found
    ``in_flight`` after a crash or a timeout is looked up remotely, where the remote allows it,
    before it is sent again.
    """

    IDLE = "idle"
    """Nothing sent, or the last attempt did nothing for sure (a retry may be scheduled)."""
    IN_FLIGHT = "in_flight"
    """The call was (or is about to be) made and its outcome is not known yet."""
    DONE = "done"
    """The remote side confirmed the effect."""
