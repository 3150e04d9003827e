"""The order state machine behind `updateOrder`.

    Placed --Process--> InProduction --Charge--> Charged --Ship--> Shipped
                                        \\--> FailedToCharge --Charge--> Charged
    any state but Shipped/Canceled --Cancel--> Canceled

In the default `post2021` lifecycle new orders already arrive `Charged`, so `Process` and
`Charge` on them are refused as invalid transitions (the reference leaves open whether Houzz
ignores or refuses them). Raw orders carrying the older `Processing` spelling count as
`InProduction`. Status names are compared case-insensitively.
"""

from __future__ import annotations

from orderbridge.sandbox.houzz.errors import HouzzApiError, missing_field
from orderbridge.sandbox.houzz.orders import (
    CANCELED,
    CHARGED,
    FAILED_TO_CHARGE,
    IN_PRODUCTION,
    PLACED,
    SHIPPED,
    HouzzOrder,
    Shipment,
)
from orderbridge.sandbox.houzz.settings import HouzzSandboxSettings

ACTIONS = ("Process", "Charge", "Ship", "Cancel")
_ROOT = "UpdateOrderRequest"
_ALLOWED_FROM = {
    "Process": ({PLACED.lower()}, "Placed"),
    "Charge": ({IN_PRODUCTION.lower(), "processing", FAILED_TO_CHARGE.lower()},
               "InProduction or FailedToCharge"),
    "Ship": ({CHARGED.lower()}, "Charged"),
}
_PAST = {"Process": "processed", "Charge": "charged", "Ship": "shipped", "Cancel": "canceled"}
_FINAL = {SHIPPED.lower(), CANCELED.lower(), "cancelled"}


def canonical_action(raw: str, settings: HouzzSandboxSettings) -> str:
    """`Process`, `Charge`, `Ship` or `Cancel` for `raw` (case-insensitive), else an error."""
    if not raw:
        raise missing_field("Action", _ROOT)
    for action in ACTIONS:
        if raw.lower() == action.lower():
            return action
    if raw.lower() == "cancle":
        if settings.accept_cancle_typo:
            return "Cancel"
        raise HouzzApiError("InvalidAction", "Action 'Cancle' is not an updateOrder action; "
                            "did you mean 'Cancel'?")
    raise HouzzApiError("InvalidAction", f"Action {raw!r} is not an updateOrder action; use one "
                        f"of {', '.join(ACTIONS)}.")


def apply_action(order: HouzzOrder, action: str, fields: dict[str, str],
                 settings: HouzzSandboxSettings, now_text: str) -> None:
    """Carry out `action` on `order`, or raise without changing anything."""
    _check_transition(order, action)
    if action == "Process":
        order.status = IN_PRODUCTION
    elif action == "Charge":
        order.status = FAILED_TO_CHARGE if order.fail_charge else CHARGED
    elif action == "Ship":
        method, numbers = _shipment_fields(fields, settings)
        order.shipments.append(Shipment(now_text, method, numbers))
        order.status = SHIPPED
    else:
        order.cancel = {"At": now_text, "By": "seller", "Comments": fields.get("Comments") or None,
                        "CancelCode": fields.get("CancelCode") or None}
        order.status = CANCELED


def _check_transition(order: HouzzOrder, action: str) -> None:
    current = order.status_text.lower()
    shown = order.status_text or "without a status"
    verb = _PAST[action]
    if action == "Cancel":
        if current in _FINAL:
            raise _refused(order, shown, verb, "shipped and canceled orders are final")
        return
    allowed, allowed_text = _ALLOWED_FROM[action]
    if current not in allowed:
        raise _refused(order, shown, verb, f"only {allowed_text} orders can be {verb}")


def _refused(order: HouzzOrder, shown: str, verb: str, rule: str) -> HouzzApiError:
    return HouzzApiError("InvalidTransition",
                         f"Order {order.order_id} is {shown}; it cannot be {verb} ({rule}).")


def _shipment_fields(fields: dict[str, str],
                     settings: HouzzSandboxSettings) -> tuple[str, list[str]]:
    raw_method = fields.get("ShippingMethod", "")
    if not raw_method:
        raise missing_field("ShippingMethod", _ROOT)
    method = next((code for code in settings.carrier_codes
                   if code.lower() == raw_method.lower()), None)
    if method is None:
        raise HouzzApiError(
            "InvalidField", f"ShippingMethod {raw_method!r} is not a Houzz carrier code; use one "
            f"of {', '.join(settings.carrier_codes)}.")
    numbers = [n.strip() for n in fields.get("TrackingNumber", "").split(",") if n.strip()]
    if not numbers:
        raise missing_field("TrackingNumber", _ROOT)
    return method, numbers
