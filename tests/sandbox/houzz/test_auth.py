"""Auth headers and credential permissions on every Seller API call."""

from __future__ import annotations

import pytest

from orderbridge.sandbox.houzz import create_houzz_app
from tests.sandbox.houzz.helpers import AUTH, Houzz, TestClient, parse_xml, xml_body, xml_errors

TOKEN, USER, APP = "X-HOUZZ-API-SSL-TOKEN", "X-HOUZZ-API-USER-NAME", "X-HOUZZ-API-APP-NAME"


@pytest.mark.parametrize("header", [TOKEN, USER, APP])
def test_each_missing_header_is_named(houzz: Houzz, header: str) -> None:
    headers = {name: value for name, value in AUTH.items() if name != header}
    code, message = houzz.error("getOrders", headers=headers)
    assert code == "MissingCredentials"
    assert header in message
    assert [name for name in (TOKEN, USER, APP) if name in message] == [header]


def test_blank_header_counts_as_missing(houzz: Houzz) -> None:
    code, message = houzz.error("getOrders", headers={**AUTH, APP: ""})
    assert code == "MissingCredentials" and APP in message


@pytest.mark.parametrize("header", [TOKEN, USER, APP])
def test_wrong_value_is_not_recognised_and_token_never_echoed(houzz: Houzz, header: str) -> None:
    code, message = houzz.error("getOrders", headers={**AUTH, header: "secret-wrong-value"})
    assert code == "InvalidCredentials"
    assert "not recognised" in message
    assert "secret-wrong-value" not in message and "sandbox-token" not in message


def test_values_are_trimmed_in_process() -> None:
    # Over a real socket HTTP strips the padding itself, so this goes through the ASGI app.
    padded = {name: f"{value} \t " for name, value in AUTH.items()}
    with TestClient(create_houzz_app()) as client:
        response = client.get("/api", params={"format": "json", "method": "getOrders"},
                              headers=padded)
        assert response.json() == {"Ack": "Success", "Orders": []}
        inner = {**AUTH, TOKEN: "sandbox -token"}
        response = client.get("/api", params={"format": "json", "method": "getOrders"},
                              headers=inner)
        assert response.json()["Errors"][0]["Code"] == "InvalidCredentials"


def test_credential_check_call_of_the_connectors_succeeds(houzz: Houzz) -> None:
    # S3 validates credentials with a bare getOrders in JSON.
    assert houzz.json("getOrders") == {"Ack": "Success", "Orders": []}


def test_auth_error_in_xml_has_the_error_envelope(houzz: Houzz) -> None:
    response = houzz.api("getListings", fmt="xml", headers={TOKEN: "x"})
    assert response.status_code == 200
    root = parse_xml(response)
    assert root.tag == "GetListingsResponse"
    assert root.findtext("Ack") == "Error"
    [(code, message)] = xml_errors(root)
    assert code == "MissingCredentials" and USER in message and APP in message


def test_error_http_status_is_configurable(houzz: Houzz) -> None:
    houzz.settings(error_http_status=401)
    response = houzz.api("getOrders", headers={**AUTH, TOKEN: "nope"})
    assert response.status_code == 401
    assert response.json()["Errors"][0]["Code"] == "InvalidCredentials"
    houzz.control("POST", "/reset")
    assert houzz.api("getOrders", headers={**AUTH, TOKEN: "nope"}).status_code == 200


def _add_credential(houzz: Houzz, permissions: list[str]) -> dict[str, str]:
    houzz.control("POST", "/credentials", {"token": "tok-2", "username": "shop2",
                                           "app_name": "app2", "permissions": permissions})
    return {TOKEN: "tok-2", USER: "shop2", APP: "app2"}


def test_credential_without_inventory_permission(houzz: Houzz) -> None:
    houzz.seed(3)
    headers = _add_credential(houzz, ["List and process orders"])
    assert houzz.json("getOrders", headers=headers)["Ack"] == "Success"
    for method in ("getListings", "getListing"):
        code, message = houzz.error(method, headers=headers, SKU="x")
        assert code == "PermissionDenied"
        assert "'Update product inventory'" in message and method in message
    body = xml_body("UpdateInventoryRequest", SKU="x", Action="update", Quantity=1)
    root = parse_xml(houzz.api("updateInventory", fmt="xml", body=body, headers=headers))
    assert xml_errors(root)[0][0] == "PermissionDenied"


def test_credential_without_order_permission(houzz: Houzz) -> None:
    houzz.seed(3)
    [order_id] = houzz.place(count=1)
    headers = _add_credential(houzz, ["Update product inventory"])
    assert houzz.json("getListings", headers=headers)["Ack"] == "Success"
    code, message = houzz.error("getOrders", headers=headers)
    assert code == "PermissionDenied" and "'List and process orders'" in message
    body = xml_body("UpdateOrderRequest", OrderId=order_id, Action="Cancel")
    root = parse_xml(houzz.api("updateOrder", fmt="xml", body=body, headers=headers))
    assert xml_errors(root)[0][0] == "PermissionDenied"
    assert houzz.control("GET", f"/orders/{order_id}")["Status"] == "Charged"


def test_added_credential_must_match_user_and_app_too(houzz: Houzz) -> None:
    headers = _add_credential(houzz, ["List and process orders"])
    code, _ = houzz.error("getOrders", headers={**headers, USER: "sandbox-seller"})
    assert code == "InvalidCredentials"


def test_reset_forgets_added_credentials(houzz: Houzz) -> None:
    headers = _add_credential(houzz, ["List and process orders"])
    houzz.control("POST", "/reset")
    assert houzz.error("getOrders", headers=headers)[0] == "InvalidCredentials"


def test_unknown_permission_name_is_refused_by_control_api(houzz: Houzz) -> None:
    houzz.control("POST", "/credentials", {"token": "t", "username": "u", "app_name": "a",
                                           "permissions": ["Do anything"]}, expect=422)
