"""What one inventory cycle read, computed and pushed (the job's counts)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class InventoryResult:
    pages: int = 0
    """QBC calls spent reading variants."""
    seen: int = 0
    """Variants read."""
    full_read: bool = False
    """This cycle read every QBC variant (not only those changed since the last read)."""
    unreadable: int = 0
    """Variant records that could not be read: sent by QBC this cycle (skipped), or stored in
    the index (their SKUs show 0)."""
    changed: int = 0
    """Houzz SKUs whose quantity differs from what Houzz last accepted (or all, with --full)."""
    pushed: int = 0
    refused: int = 0
    failed: int = 0
    deferred: int = 0
    not_listed: int = 0
    """QBC-backed SKUs Houzz says it does not list (reported, not retried until --full)."""
    without_variant: int = 0
    """Houzz listings no QBC variant backs (seen by the last --full run)."""
    ambiguous: int = 0
    """SKUs shared by several active QBC variants (their stock is summed)."""
    webhooks: int = 0
    """QBC stock webhook deliveries worked off."""
