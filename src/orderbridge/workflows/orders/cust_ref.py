"""`cust_ref`: a short, unique order reference that fits the warehouse's limits.

The full Houzz OrderId (`1656-9927-9120-7805`) is kept as `cust_po_no`. Warehouses and carriers
often limit reference length and characters, so the hub also makes a shortened reference:
deterministically from the OrderId (the same order always proposes the same reference), with a
collision resolved by a suffix, and never reused once taken (the store remembers every reference
ever reserved).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator

from orderbridge.workflows.cust_ref_rules import CustRefRules, clean


def _digest(value: str, charset: str, length: int) -> str:
    """``length`` (at most 12) characters of the value's SHA-256, in the charset."""
    raw = hashlib.sha256(value.encode()).digest()
    if charset == "digits":
        return str(int.from_bytes(raw[:8])).zfill(20)[:length]
    return base64.b32encode(raw).decode()[:length]


def candidates(channel_order_id: str, rules: CustRefRules) -> Iterator[str]:
    """Proposed references, best first: the cleaned id, then ever more distinct forms."""
    room = rules.max_length - len(rules.prefix)
    cleaned = clean(channel_order_id, rules.charset).strip("-")
    if not cleaned:
        cleaned = _digest(channel_order_id, rules.charset, min(room, 12))
    if len(cleaned) > room:  # keep the tail (the distinctive part of most ids) plus a hash
        digest = _digest(channel_order_id, rules.charset, 5)
        cleaned = digest + cleaned[-(room - 5):]
    base = rules.prefix + cleaned
    yield base
    for n in range(2, 10_000):
        suffix = f"-{n}" if rules.charset == "alnum-dash" else str(n)
        yield rules.prefix + cleaned[: room - len(suffix)] + suffix
    raise RuntimeError(f"no free cust_ref for {channel_order_id}")  # pragma: no cover
