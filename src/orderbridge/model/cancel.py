"""Where an order's cancellation is, beside its status: seen, acted on, or settled.

A cancellation is a request from outside (the buyer canceled on Houzz, or the merchant voided
the order in QBC) that the hub carries out in one or two steps, across crashes and workers, so
the request itself is stored: ``orders.cancel_state``, ``NULL`` while nobody asked to cancel.
The outbound call that carries it out (the QBC void, the Houzz cancel) is an outbound effect
of its own (``model.outbound``), with the same exactly-once protocol as delivery.
"""

from __future__ import annotations

from enum import StrEnum


class CancelState(StrEnum):
    """Progress of a cancellation (``None`` in the store: no cancellation asked)."""

    REQUESTED = "requested"
    """Canceled on Houzz; the hub still has to act (cancel here, or void in QBC)."""
    VOIDED_IN_QBC = "voided_in_qbc"
    """Voided in QBC first; the hub still has to cancel it on Houzz (optional reverse path)."""
    DONE = "done"
    """Carried out: canceled before delivery, voided in QBC, or canceled on Houzz."""
    AFTER_SHIP = "after_ship"
    """Canceled on Houzz after the warehouse shipped it: nothing to void, a person was told."""
