"""Invoices and payments, only as far as the order actions need them.

`actions/invoice` invoices the whole order (422 when it already is); `actions/pay` invoices it
first if needed, then records one payment of the order total and sets `payment_status` to
`paid` (422 when already paid). Draft, void and deleted orders cannot be invoiced or paid.
"""

from __future__ import annotations

from decimal import Decimal

from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import JsonDict, invalid_base
from orderbridge.sandbox.qbc.order_view import order_total
from orderbridge.sandbox.qbc.records import Invoice, Order, Payment
from orderbridge.sandbox.qbc.values import iso_ms, money, parse_date, parse_moment


def _ensure_billable(order: Order) -> None:
    if order.status in ("draft", "void", "deleted"):
        raise invalid_base(f"Cannot invoice or pay an order that is {order.status}")


def invoice_order(caller: Caller, order: Order, body: JsonDict) -> Invoice:
    _ensure_billable(order)
    if order.invoice_status == "invoiced":
        raise invalid_base("Order has already been invoiced")
    now = caller.now()
    total = order_total(caller.account, order).quantize(Decimal("0.01"))
    invoiced_at = parse_date(body.get("invoiced_at")) or now.date()
    due_at = parse_date(body.get("due_at")) or invoiced_at
    invoice = Invoice(id=caller.state.next_id("invoice"), created_at=now, updated_at=now,
                      order_id=order.id, invoice_number=caller.account.next_invoice_number(),
                      total=total, attrs={"invoiced_at": invoiced_at.isoformat(),
                                          "due_at": due_at.isoformat(),
                                          "notes": body.get("notes")})
    caller.account.invoices[invoice.id] = invoice
    order.invoice_ids.append(invoice.id)
    order.invoice_status = "invoiced"
    order.updated_at = now
    caller.publish("invoice.create", "invoices", invoice.id)
    return invoice


def pay_order(caller: Caller, order: Order, body: JsonDict) -> Payment:
    _ensure_billable(order)
    if order.payment_status == "paid":
        raise invalid_base("Order has already been paid")
    if order.invoice_status != "invoiced":
        invoice_order(caller, order, {})
    invoice = caller.account.invoices[order.invoice_ids[-1]]
    now = caller.now()
    paid_at = parse_moment(str(body.get("paid_at") or "")) or now
    payment = Payment(id=caller.state.next_id("payment"), created_at=now, updated_at=now,
                      order_id=order.id, invoice_id=invoice.id, amount=invoice.total,
                      attrs={"paid_at": iso_ms(paid_at),
                             "payment_method_name": body.get("payment_method_name"),
                             "reference": body.get("reference")})
    caller.account.payments[payment.id] = payment
    order.payment_ids.append(payment.id)
    order.payment_status = "paid"
    order.updated_at = now
    caller.publish("payment.create", "payments", payment.id)
    return payment


def render_invoice(invoice: Invoice) -> JsonDict:
    return {"id": invoice.id, "created_at": iso_ms(invoice.created_at),
            "updated_at": iso_ms(invoice.updated_at), "order_id": invoice.order_id,
            "invoice_number": invoice.invoice_number, "total": money(invoice.total),
            "status": "active", **invoice.attrs}


def render_payment(payment: Payment) -> JsonDict:
    return {"id": payment.id, "created_at": iso_ms(payment.created_at),
            "updated_at": iso_ms(payment.updated_at), "order_id": payment.order_id,
            "invoice_id": payment.invoice_id, "amount": money(payment.amount),
            "status": "active", **payment.attrs}
