"""How an order looks on the wire, its read-only sub-statuses derived from its lines.

`packed_status` and `fulfillment_status` compare packed and shipped quantities of the shipping
lines with their ordered quantities. `shippability_status` asks, line by line, whether stock on
hand at the order's location covers the unshipped quantity (other orders are not considered);
`backordering_status` is its mirror image.
"""

from __future__ import annotations

from decimal import Decimal

from orderbridge.sandbox.qbc.envelope import JsonDict
from orderbridge.sandbox.qbc.order_lines import line_total
from orderbridge.sandbox.qbc.records import Order, OrderLine
from orderbridge.sandbox.qbc.state import CURRENCIES, Account
from orderbridge.sandbox.qbc.values import ZERO, iso_ms, money

_ISO_BY_ID = {currency_id: iso for iso, currency_id in CURRENCIES.items()}


def order_lines(account: Account, order: Order) -> list[OrderLine]:
    return [account.order_lines[line_id] for line_id in order.line_ids]


def _progress(done: Decimal, total: Decimal, names: tuple[str, str, str]) -> str:
    if done <= 0:
        return names[0]
    return names[2] if done >= total else names[1]


def sub_statuses(account: Account, order: Order) -> dict[str, str]:
    shipping = [line for line in order_lines(account, order) if line.ships]
    total = sum((line.quantity for line in shipping), ZERO)
    packed = sum((min(line.packed_qty, line.quantity) for line in shipping), ZERO)
    shipped = sum((min(line.shipped_qty, line.quantity) for line in shipping), ZERO)
    covered = short = 0
    for line in shipping:
        left = line.quantity - line.shipped_qty
        if left <= 0 or line.variant_id is None:
            continue
        variant = account.variants.get(line.variant_id)
        level = variant.stock.get(order.stock_location_id) if variant else None
        if level is not None and level.on_hand >= left:
            covered += 1
        else:
            short += 1
    if short == 0:
        shippable, backordered = "shippable", "not_backordered"
    elif covered == 0:
        shippable, backordered = "not_shippable", "backordered"
    else:
        shippable, backordered = "partially_shippable", "partially_backordered"
    return {
        "payment_status": order.payment_status,
        "invoice_status": order.invoice_status,
        "packed_status": _progress(packed, total, ("unpacked", "partial", "packed")),
        "fulfillment_status": _progress(shipped, total, ("unshipped", "partial", "shipped")),
        "return_status": "unreturned",
        "returning_status": "unreturning",
        "shippability_status": shippable,
        "backordering_status": backordered,
    }


def order_total(account: Account, order: Order) -> Decimal:
    return sum((line_total(line) for line in order_lines(account, order)), ZERO)


def render_order(account: Account, order: Order) -> JsonDict:
    total = money(order_total(account, order).quantize(Decimal("0.01")))
    tracking = None
    for fulfillment_id in reversed(order.fulfillment_ids):
        tracking = account.fulfillments[fulfillment_id].attrs.get("tracking_number")
        if tracking:
            break
    invoices = [account.invoices[i] for i in order.invoice_ids]
    return {
        "id": order.id, "created_at": iso_ms(order.created_at),
        "updated_at": iso_ms(order.updated_at), "document_url": None,
        "order_number": order.order_number, "reference_number": order.reference_number,
        "status": order.status, **sub_statuses(account, order),
        "company_id": order.company_id, "shipping_address_id": order.shipping_address_id,
        "billing_address_id": order.billing_address_id,
        "stock_location_id": order.stock_location_id, "currency_id": order.currency_id,
        "currency_iso": _ISO_BY_ID.get(order.currency_id),
        "issued_at": order.issued_at.isoformat(), "tags": list(order.tags), **order.attrs,
        "source_id": order.source_id, "source": None, "user_id": None, "tax_label": "Tax",
        "tax_override": None, "total": total, "cached_total": total,
        "tracking_number": tracking,
        "order_line_item_ids": list(order.line_ids),
        "fulfillment_ids": list(order.fulfillment_ids), "invoice_ids": list(order.invoice_ids),
        "payment_ids": list(order.payment_ids), "fulfillment_return_ids": [], "refund_ids": [],
        "invoice_numbers": {str(inv.id): inv.invoice_number for inv in invoices},
    }
