"""updateOrder: XML bodies however they arrive, the lifecycle in both modes, refusals."""

from __future__ import annotations

import pytest

from tests.sandbox.houzz.helpers import AUTH, Houzz, parse_xml, xml_body, xml_errors


def _status(houzz: Houzz, order_id: str) -> str:
    status: str = houzz.control("GET", f"/orders/{order_id}")["Status"]
    return status


def _ack(root: object) -> str | None:
    return root.findtext("Ack")  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def charged(houzz: Houzz) -> str:
    houzz.seed(4)
    [order_id] = houzz.place(count=1)
    return order_id


@pytest.mark.parametrize("content_type", [None, "text/xml", "application/x-www-form-urlencoded",
                                          "application/xml; charset=utf-8"])
def test_body_is_xml_whatever_the_content_type(houzz: Houzz, charged: str,
                                               content_type: str | None) -> None:
    body = xml_body("UpdateOrderRequest", OrderId=charged, Action="Cancel")
    headers = dict(AUTH)
    if content_type:
        headers["Content-Type"] = content_type
    response = houzz.http.post("/api", params={"format": "xml", "method": "updateOrder"},
                               content=body.encode(), headers=headers)
    root = parse_xml(response)
    assert root.tag == "UpdateOrderResponse" and _ack(root) == "Success"
    assert _status(houzz, charged) == "Canceled"


def test_children_in_any_order_with_cdata_and_declaration(houzz: Houzz, charged: str) -> None:
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<UpdateOrderRequest>'
            "<TrackingNumber> 1Z999 </TrackingNumber><ShippingMethod>fedex</ShippingMethod>"
            f"<Action>Ship</Action><OrderId><![CDATA[{charged}]]></OrderId>"
            "</UpdateOrderRequest>")
    assert _ack(parse_xml(houzz.api("updateOrder", fmt="xml", body=body))) == "Success"
    order = houzz.orders()[0]
    assert (order["Status"], order["ShippingMethod"], order["TrackingNumber"]) == (
        "Shipped", "FedEx", "1Z999")


def test_json_format_answer(houzz: Houzz, charged: str) -> None:
    body = xml_body("UpdateOrderRequest", OrderId=charged, Action="Cancel")
    assert houzz.api("updateOrder", fmt="json", body=body).json() == {"Ack": "Success"}


@pytest.mark.parametrize(("body", "fragment"), [
    ("", "needs a POST body"),
    ("<UpdateOrderRequest><OrderId>1</OrderId>", "not well-formed"),
    ('<!DOCTYPE x [<!ENTITY a "b">]><UpdateOrderRequest>&a;</UpdateOrderRequest>',
     "DTD or entities"),
    ("<UpdateInventoryRequest/>", "expected <UpdateOrderRequest>"),
])
def test_malformed_bodies(houzz: Houzz, body: str, fragment: str) -> None:
    [(code, message)] = xml_errors(parse_xml(houzz.api("updateOrder", fmt="xml", body=body)))
    assert code == "MalformedXml" and fragment in message


def test_get_without_body_is_refused(houzz: Houzz) -> None:
    code, message = houzz.error("updateOrder")
    assert code == "MalformedXml" and "POST" in message


def test_missing_order_id_action_and_unknown_order(houzz: Houzz, charged: str) -> None:
    root = houzz.update_order("", "Cancel")
    assert xml_errors(root)[0][0] == "MissingField" and "OrderId" in xml_errors(root)[0][1]
    root = houzz.update_order(charged, "")
    assert xml_errors(root)[0][0] == "MissingField" and "Action" in xml_errors(root)[0][1]
    root = houzz.update_order("1111-2222-3333-4444", "Cancel")
    [(code, message)] = xml_errors(root)
    assert code == "OrderNotFound" and "1111-2222-3333-4444" in message


def test_unknown_action_lists_valid_ones(houzz: Houzz, charged: str) -> None:
    [(code, message)] = xml_errors(houzz.update_order(charged, "Refund"))
    assert code == "InvalidAction" and "Process, Charge, Ship, Cancel" in message


def test_post2021_orders_arrive_charged_and_refuse_process_and_charge(houzz: Houzz,
                                                                     charged: str) -> None:
    assert _status(houzz, charged) == "Charged"
    for action, verb in (("Process", "processed"), ("Charge", "charged")):
        [(code, message)] = xml_errors(houzz.update_order(charged, action))
        assert code == "InvalidTransition"
        assert message.startswith(f"Order {charged} is Charged; it cannot be {verb}")
    assert _ack(houzz.update_order(charged, "ship", ShippingMethod="UPS",
                                   TrackingNumber="1Z1")) == "Success"
    assert _status(houzz, charged) == "Shipped"


def test_legacy_lifecycle_walk(houzz: Houzz) -> None:
    houzz.seed(4)
    houzz.settings(lifecycle="legacy")
    [order_id] = houzz.place(count=1)
    assert _status(houzz, order_id) == "Placed"
    [(code, message)] = xml_errors(houzz.update_order(order_id, "Charge"))
    assert code == "InvalidTransition" and "is Placed; it cannot be charged" in message
    [(code, _)] = xml_errors(houzz.update_order(order_id, "Ship", ShippingMethod="UPS",
                                                TrackingNumber="1"))
    assert code == "InvalidTransition"
    for action, status in (("Process", "InProduction"), ("Charge", "Charged")):
        assert _ack(houzz.update_order(order_id, action)) == "Success"
        assert _status(houzz, order_id) == status
        assert houzz.orders(Status=status)[0]["OrderId"] == order_id
    assert _ack(houzz.update_order(order_id, "Ship", ShippingMethod="USPS",
                                   TrackingNumber="9400,9401, 9402")) == "Success"
    order = houzz.orders(Status="Shipped")[0]
    assert order["TrackingNumber"] == "9400,9401,9402"
    history = houzz.control("GET", f"/orders/{order_id}")["ShipHistory"]
    assert history[0]["TrackingNumbers"] == ["9400", "9401", "9402"]


def test_failed_charge_then_retry(houzz: Houzz) -> None:
    houzz.seed(4)
    houzz.settings(lifecycle="legacy")
    [order_id] = houzz.place(count=1)
    houzz.update_order(order_id, "Process")
    houzz.control("POST", f"/orders/{order_id}/fail_charge", {"fail": True})
    assert _ack(houzz.update_order(order_id, "Charge")) == "Success"
    assert _status(houzz, order_id) == "FailedToCharge"
    [(code, _)] = xml_errors(houzz.update_order(order_id, "Ship", ShippingMethod="UPS",
                                                TrackingNumber="1"))
    assert code == "InvalidTransition"
    houzz.control("POST", f"/orders/{order_id}/fail_charge", {"fail": False})
    houzz.update_order(order_id, "Charge")
    assert _status(houzz, order_id) == "Charged"


@pytest.mark.parametrize("missing", ["ShippingMethod", "TrackingNumber"])
def test_ship_requires_method_and_tracking(houzz: Houzz, charged: str, missing: str) -> None:
    fields = {"ShippingMethod": "UPS", "TrackingNumber": "1Z"}
    fields[missing] = " , " if missing == "TrackingNumber" else ""
    [(code, message)] = xml_errors(houzz.update_order(charged, "Ship", **fields))
    assert code == "MissingField" and missing in message
    assert _status(houzz, charged) == "Charged"


def test_ship_checks_carrier_codes_case_insensitively(houzz: Houzz, charged: str) -> None:
    [(code, message)] = xml_errors(houzz.update_order(charged, "Ship", ShippingMethod="Pony",
                                                      TrackingNumber="1"))
    assert code == "InvalidField" and "Pony" in message and "LaserShip" in message
    houzz.settings(carrier_codes=["Pony", "UPS"])
    assert _ack(houzz.update_order(charged, "Ship", ShippingMethod="PONY",
                                   TrackingNumber="1")) == "Success"
    assert houzz.orders()[0]["ShippingMethod"] == "Pony"


def test_cancel_records_comments_and_code_and_is_final(houzz: Houzz, charged: str) -> None:
    assert _ack(houzz.update_order(charged, "Cancel", Comments="Out of stock",
                                   CancelCode="3")) == "Success"
    view = houzz.control("GET", f"/orders/{charged}")
    assert view["Status"] == "Canceled" and view["CancelCode"] == "3"
    assert view["Cancellation"]["Comments"] == "Out of stock"
    assert view["Cancellation"]["By"] == "seller"
    for action, verb in (("Ship", "shipped"), ("Cancel", "canceled")):
        [(code, message)] = xml_errors(houzz.update_order(
            charged, action, ShippingMethod="UPS", TrackingNumber="1"))
        assert code == "InvalidTransition"
        assert message.startswith(f"Order {charged} is Canceled; it cannot be {verb}")


def test_shipped_order_cannot_be_canceled(houzz: Houzz, charged: str) -> None:
    houzz.update_order(charged, "Ship", ShippingMethod="DHL", TrackingNumber="JD1")
    [(code, message)] = xml_errors(houzz.update_order(charged, "Cancel"))
    assert code == "InvalidTransition" and "is Shipped; it cannot be canceled" in message


def test_cancle_typo_only_behind_the_setting(houzz: Houzz, charged: str) -> None:
    [(code, message)] = xml_errors(houzz.update_order(charged, "Cancle", CancelCode="1"))
    assert code == "InvalidAction" and "did you mean 'Cancel'" in message
    houzz.settings(accept_cancle_typo=True)
    assert _ack(houzz.update_order(charged, "Cancle", CancelCode="1")) == "Success"
    assert _status(houzz, charged) == "Canceled"
