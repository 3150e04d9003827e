"""The audit's checks: pure functions from what was read (`facts`) to what is wrong
(`discrepancy`), so each rule is tested without a server and mutation-tested.

Which Houzz orders the hub should carry: every one it downloaded, and every one it would
download now (not canceled, and in the status it downloads). An order canceled before it was
delivered is right to be missing from QBC; one shipped on Houzz before the hub saw it was
fulfilled elsewhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from orderbridge.workflows.audit.discrepancy import Discrepancy, Repair
from orderbridge.workflows.audit.facts import (
    AuditFacts,
    HouzzOrderFacts,
    HubOrderFacts,
    QbcOrderFacts,
    Units,
)

CANCELED = frozenset({"canceled", "cancelled"})
CLOSED = CANCELED | {"shipped"}


@dataclass
class Checked:
    """How much the audit looked at: each figure one kind of check."""

    houzz_orders: int = 0
    expected_in_qbc: int = 0
    in_qbc_once: int = 0
    canceled: int = 0
    shipped_in_qbc: int = 0
    listings: int = 0
    not_for_the_hub: int = 0
    hub_orders: int = 0


@dataclass
class Findings:
    checked: Checked = field(default_factory=Checked)
    discrepancies: list[Discrepancy] = field(default_factory=list)


@dataclass(frozen=True)
class Commands:
    """How a fix is spelled on the command line for this integration."""

    integration: str
    since: str

    def sync(self, job: str, *extra: str) -> str:
        return " ".join(["orderbridge sync --once --job", job, *extra, "--integration",
                         self.integration])

    def show(self, order_id: str) -> str:
        return f"orderbridge orders show {order_id} --integration {self.integration}"


def find_discrepancies(facts: AuditFacts, commands: Commands, now: datetime) -> Findings:
    findings = Findings()
    by_reference: dict[str, list[QbcOrderFacts]] = defaultdict(list)
    for order in facts.qbc_orders:
        if order.reference and order.status != "deleted":
            by_reference[order.reference].append(order)
    for houzz in facts.houzz_orders:
        findings.checked.houzz_orders += 1
        _check_order(houzz, by_reference.get(houzz.order_id, []),
                     facts.hub_orders.get(houzz.order_id), facts, commands, findings)
    for sku, computed in sorted(facts.computed.items()):
        _check_listing(sku, computed, facts.listings, commands, findings)
    for hub in facts.hub_orders.values():
        findings.checked.hub_orders += 1
        _check_hub(hub, facts.stuck_after_s, now, commands, findings)
    return findings


def _check_order(houzz: HouzzOrderFacts, copies: list[QbcOrderFacts], hub: HubOrderFacts | None,
                 facts: AuditFacts, commands: Commands, findings: Findings) -> None:
    status = houzz.status.strip().lower()
    subject = f"Houzz order {houzz.order_id}"
    add = findings.discrepancies.append
    if len(copies) > 1:
        add(_duplicated(subject, houzz.order_id, copies, hub))
    for copy in copies:
        if copy.is_void and copy.partly_shipped:
            add(Discrepancy("shipped_and_voided", subject, f"QBC order {copy.label} is void "
                            "but shipped", "check the shipment in QuickBooks Commerce: the "
                            "goods left, so the void is wrong or the shipment is",
                            key=houzz.order_id))
    if status in CANCELED:
        findings.checked.canceled += 1
        _check_canceled(subject, houzz, copies, hub, commands, findings)
        return
    if not copies:
        _check_missing(subject, houzz, hub, facts, commands, findings)
        return
    findings.checked.expected_in_qbc += 1
    live = [copy for copy in copies if not copy.is_void]
    if not live:
        add(Discrepancy("void_but_open_on_houzz", subject, "it is void in QBC but still open "
                        f"on Houzz (status {houzz.status})", "cancel it on Houzz; with "
                        "cancel_on_houzz on, the cancellations job does it", commands.sync(
                            "cancellations"), Repair("cancellations"), houzz.order_id))
        return
    if len(copies) == 1:
        findings.checked.in_qbc_once += 1
    kept = _recorded(live, hub)
    if kept.lines != houzz.lines:
        add(Discrepancy("wrong_lines", subject, f"QBC order {kept.label} has "
                        f"{_units_text(kept.lines)}; the Houzz order has "
                        f"{_units_text(houzz.lines)}", "edit the QBC order's lines to match "
                        "the Houzz order", key=houzz.order_id,
                        details={"qbc": kept.lines, "houzz": houzz.lines}))
    if kept.fully_shipped:
        findings.checked.shipped_in_qbc += 1
        _check_shipped(subject, houzz, kept, commands, findings)


def _check_missing(subject: str, houzz: HouzzOrderFacts, hub: HubOrderFacts | None,
                   facts: AuditFacts, commands: Commands, findings: Findings) -> None:
    add = findings.discrepancies.append
    status = houzz.status.strip().lower()
    if hub is None:
        wanted = facts.downloads_status.strip().lower()
        if status in CLOSED or (wanted and status != wanted):
            findings.checked.not_for_the_hub += 1
            return
        findings.checked.expected_in_qbc += 1
        add(Discrepancy("not_downloaded", subject, "the hub never downloaded it, so it is "
                        "not in QBC", "read Houzz again from the audit's start date",
                        commands.sync("download", "--since", commands.since),
                        Repair("download", since=commands.since), houzz.order_id))
        return
    findings.checked.expected_in_qbc += 1
    if hub.status == "held":
        add(Discrepancy("held", subject, f"held in the hub: {hub.hold_reason}",
                        "fix what the hold says; the order then flows on by itself",
                        commands.show(houzz.order_id), key=houzz.order_id))
    elif hub.status in ("new", "preview"):
        problem = ("waiting in preview mode: nothing is sent until delivery_mode is live"
                   if hub.status == "preview" else "downloaded, not delivered yet")
        add(Discrepancy("not_delivered", subject, problem, "deliver it now",
                        commands.sync("deliver"), Repair("deliver"), houzz.order_id))
    elif hub.status == "canceled":
        add(Discrepancy("canceled_in_hub_only", subject, "canceled in the hub but open on "
                        f"Houzz (status {houzz.status})", "cancel it on Houzz, or send it "
                        "to QBC by hand if the buyer still wants it", commands.show(
                            houzz.order_id), key=houzz.order_id))
    else:
        add(Discrepancy("missing_in_qbc", subject, "the hub delivered it as QBC order "
                        f"{hub.warehouse_order_id}, which QBC no longer has",
                        "find out who deleted it in QuickBooks Commerce and create it again "
                        "there", commands.show(houzz.order_id), key=houzz.order_id))


def _check_canceled(subject: str, houzz: HouzzOrderFacts, copies: list[QbcOrderFacts],
                    hub: HubOrderFacts | None, commands: Commands, findings: Findings) -> None:
    for copy in copies:
        if copy.is_void:
            continue
        if copy.partly_shipped:
            findings.discrepancies.append(Discrepancy(
                "canceled_after_shipping", subject, f"canceled on Houzz after QBC order "
                f"{copy.label} shipped", "refund the buyer or arrange a return; the order "
                "cannot be voided", commands.show(houzz.order_id), key=houzz.order_id))
        else:
            findings.discrepancies.append(Discrepancy(
                "cancel_not_voided", subject, f"canceled on Houzz, but QBC order "
                f"{copy.label} is not void", "void it: the cancellations job does",
                commands.sync("cancellations"), Repair("cancellations"), houzz.order_id))


def _check_shipped(subject: str, houzz: HouzzOrderFacts, kept: QbcOrderFacts,
                   commands: Commands, findings: Findings) -> None:
    if houzz.status.strip().lower() != "shipped":
        findings.discrepancies.append(Discrepancy(
            "shipment_not_confirmed", subject, f"QBC order {kept.label} shipped, but Houzz "
            f"still says {houzz.status}", "post its tracking to Houzz: the shipments job "
            "reads these packages and does", commands.sync("shipments"),
            Repair("shipments", fulfillment_ids=kept.fulfillment_ids), houzz.order_id))
        return
    missing = sorted(kept.tracking - houzz.tracking)
    if missing:
        findings.discrepancies.append(Discrepancy(
            "tracking_incomplete", subject, "Houzz lacks tracking number(s) "
            f"{', '.join(missing)} of QBC order {kept.label}", "add them to the order on "
            "Houzz by hand (Houzz takes one shipping confirmation per order)",
            key=houzz.order_id, details={"missing": missing}))


def _check_listing(sku: str, computed: int, listings: dict[str, int | None],
                   commands: Commands, findings: Findings) -> None:
    if sku not in listings:
        return
    findings.checked.listings += 1
    shown = listings[sku]
    if shown != computed:
        findings.discrepancies.append(Discrepancy(
            "listing_quantity", f"SKU {sku}", f"Houzz shows {_shown(shown)}; QBC's stock "
            f"gives {computed}", "push every stock level again", commands.sync(
                "inventory", "--full"), Repair("inventory", full=True), sku,
            details={"houzz": shown, "computed": computed}))


def _check_hub(hub: HubOrderFacts, stuck_after_s: float, now: datetime, commands: Commands,
               findings: Findings) -> None:
    subject = f"Houzz order {hub.channel_order_id}"
    if hub.status == "held" and not (hub.hold_reason or "").strip():
        findings.discrepancies.append(Discrepancy(
            "held_without_reason", subject, "held in the hub with no reason given",
            "look at its timeline and release or retry it", commands.show(
                hub.channel_order_id), key=hub.channel_order_id))
    since = hub.in_flight_since
    if since is not None and (now - since).total_seconds() > stuck_after_s:
        findings.discrepancies.append(Discrepancy(
            "stuck_in_flight", subject, f"a call about it has had no known outcome since "
            f"{since:%Y-%m-%d %H:%M} UTC", "run the job again: it looks the order up before "
            "sending anything", commands.sync("deliver"), Repair("deliver"),
            hub.channel_order_id))


def _duplicated(subject: str, order_id: str, copies: list[QbcOrderFacts],
                hub: HubOrderFacts | None) -> Discrepancy:
    kept = _recorded([c for c in copies if not c.is_void] or copies, hub)
    extra = [copy.label for copy in copies if copy is not kept]
    return Discrepancy("duplicated_in_qbc", subject, f"it is in QBC {len(copies)} times "
                       f"({', '.join(copy.label for copy in copies)})", f"void {', '.join(extra)} "
                       f"in QuickBooks Commerce and keep {kept.label}", key=order_id,
                       details={"copies": [copy.id for copy in copies], "kept": kept.id})


def _recorded(copies: list[QbcOrderFacts], hub: HubOrderFacts | None) -> QbcOrderFacts:
    """The copy the hub recorded, else the first."""
    for copy in copies:
        if hub is not None and copy.id == hub.warehouse_order_id:
            return copy
    return copies[0]


def _units_text(units: Units) -> str:
    return ", ".join(f"{count} × {sku}" for sku, count in sorted(units.items())) or "no lines"


def _shown(quantity: int | None) -> str:
    return "an unreadable quantity" if quantity is None else str(quantity)
