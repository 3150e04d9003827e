"""What `orderbridge orders show REF` displays: one order, everything a merchant asks about it.

Details (ids, status, hold reason, ship-to), lines with the Houzz SKU beside the QBC SKU it was
translated to, totals, delivery progress, the full timeline, and for a preview order the exact
QBC payload that would be sent. The document itself is `workflows.order_view.order_document`
(the web's order detail shows the same); this module only prints it.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from orderbridge.model import CanonicalOrder, OrderStatus


def print_order(out: Console, document: dict[str, Any], *, show_payload: bool) -> None:
    """The human view of `order_document`."""
    status = document["status"]
    out.print(Text(f"Order {document['cust_ref'] or '(no cust_ref)'} — {status}", style="bold"))
    facts = Table(show_header=False, box=None)
    facts.add_row("Houzz OrderId", Text(document["houzz_order_id"]))
    facts.add_row("QBC order id", Text(document["qbc_order_id"] or "—"))
    facts.add_row("order date", Text(document["order_date"] or "—"))
    if document["hold_reason"]:
        facts.add_row("held because", Text(f"{document['hold_reason']} "
                                           f"({document['hold_reason_code']})", style="red"))
    facts.add_row("outbound", Text(_outbound(document)))
    canonical = document["order"]
    if canonical is not None:
        order = CanonicalOrder.model_validate(canonical)
        facts.add_row("ship to", Text(_party(order)))
        facts.add_row("shipping", Text(f"{order.ship_code or '—'} → "
                                       f"{order.warehouse_ship_code or '(unmapped)'}"))
    out.print(facts)
    if canonical is not None:
        out.print(_lines_table(order, document["qbc_variants"]))
    else:
        out.print(Text("Not translated yet (the Houzz payload could not be read as an order).",
                       style="yellow"))
    if document.get("packages"):
        out.print(_packages_table(document["packages"]))
    out.print(_timeline_table(document["timeline"]))
    if document["qbc_payload"] is not None and (show_payload or status == OrderStatus.PREVIEW):
        title = ("QBC payload (preview mode: nothing was sent)" if status == OrderStatus.PREVIEW
                 else "QBC payload (as sent)")
        out.print(Text(title, style="bold"))
        out.print(Syntax(json.dumps(document["qbc_payload"], indent=2), "json",
                         background_color="default", word_wrap=True))


def _outbound(document: dict[str, Any]) -> str:
    effect = (document["outbound_effect"] or "nothing sent yet").replace("_", " ")
    text = (f"{effect}: {document['outbound_state'].replace('_', ' ')}, "
            f"{document['outbound_attempts']} attempt(s)")
    if document["next_attempt_at"]:
        text += f", next attempt {document['next_attempt_at']}"
    if document["last_error"]:
        text += f", last error: {document['last_error']}"
    return text


def _party(order: CanonicalOrder) -> str:
    party = order.ship_to
    name = " ".join(p for p in (party.first_name, party.last_name) if p)
    parts = [name, party.company, party.address_1, party.address_2,
             " ".join(p for p in (party.city, party.state, party.zip) if p), party.country,
             party.phone, party.e_mail]
    return ", ".join(p for p in parts if p)


def _lines_table(order: CanonicalOrder, qbc_variants: dict[str, list[int]]) -> Table:
    table = Table(title="Lines")
    for column in ("#", "type", "Houzz SKU", "QBC SKU", "qty", "price", "amount"):
        table.add_column(column, justify="right" if column in ("qty", "price", "amount")
                         else "left")
    for line in order.items:
        qbc_sku = "—"
        if line.line_type == "product":
            sku = line.warehouse_sku or line.item
            qbc_sku = sku if qbc_variants.get(sku) else f"{sku} (not in QBC)"
        table.add_row(str(line.line_no), line.line_type, Text(line.item), Text(qbc_sku),
                      str(line.quantity), str(line.price), str(line.extended_amount))
    computed = order.computed_total
    stated = "—" if order.order_total is None else str(order.order_total)
    table.caption = (f"shipping {order.shipping_amount} · tax {order.tax_amount} · total "
                     f"{computed} {order.currency} · Houzz total {stated}")
    return table


def _timeline_table(events: list[dict[str, Any]]) -> Table:
    table = Table(title="Timeline")
    for column in ("at", "event", "what happened"):
        table.add_column(column)
    for event in events:
        at = event["at"].replace("T", " ")[:19]
        table.add_row(at, event["kind"], Text(event["message"]))
    return table


def _packages_table(packages: list[dict[str, Any]]) -> Table:
    table = Table(title="Packages (QBC fulfillments)")
    for column in ("fulfillment", "shipped", "carrier", "service", "tracking", "items"):
        table.add_column(column)
    for package in packages:
        items = ", ".join(f"{line.get('sku') or line.get('variant_id')} × {line['quantity']}"
                          for line in package["lines"])
        table.add_row(package["fulfillment_id"], (package["shipped_at"] or "—")[:19]
                      .replace("T", " "), Text(package["carrier"] or "—"),
                      Text(package["service"] or "—"),
                      Text(package["tracking_number"] or "(none)"), Text(items))
    return table
