"""The three `X-HOUZZ-API-*` headers every call carries, and the permissions behind them.

Values are trimmed (clients `trim()` them). A missing header is named in the error; wrong values
get one message that never echoes the token. A credential holds the permissions chosen when it
was created in Seller Central; a method outside them is refused with the permission's name as the
seller portal shows it.
"""

from __future__ import annotations

from collections.abc import Mapping

from orderbridge.sandbox.houzz.errors import HouzzApiError
from orderbridge.sandbox.houzz.settings import (
    PERMISSION_INVENTORY,
    PERMISSION_ORDERS,
    Credential,
)

TOKEN_HEADER = "X-HOUZZ-API-SSL-TOKEN"
USER_HEADER = "X-HOUZZ-API-USER-NAME"
APP_HEADER = "X-HOUZZ-API-APP-NAME"
AUTH_HEADERS = (TOKEN_HEADER, USER_HEADER, APP_HEADER)

PERMISSION_OF_METHOD = {
    "getOrders": PERMISSION_ORDERS,
    "updateOrder": PERMISSION_ORDERS,
    "updateInventory": PERMISSION_INVENTORY,
    "getListings": PERMISSION_INVENTORY,
    "getListing": PERMISSION_INVENTORY,
}


def token_of(headers: Mapping[str, str]) -> str:
    return headers.get(TOKEN_HEADER, "").strip()


def authenticate(headers: Mapping[str, str], credentials: Mapping[str, Credential]) -> Credential:
    values = {name: headers.get(name, "").strip() for name in AUTH_HEADERS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise HouzzApiError(
            "MissingCredentials",
            f"Missing header{'s' if len(missing) > 1 else ''} {', '.join(missing)}. Every call "
            "needs the API token, user name and app name from Seller Central > Settings > API.",
        )
    credential = credentials.get(values[TOKEN_HEADER])
    if (credential is None or credential.username != values[USER_HEADER]
            or credential.app_name != values[APP_HEADER]):
        raise HouzzApiError(
            "InvalidCredentials",
            "The API credentials are not recognised: check the token, user name and app name "
            "against Seller Central > Settings > API.",
        )
    return credential


def require_permission(credential: Credential, method: str) -> None:
    permission = PERMISSION_OF_METHOD[method]
    if permission not in credential.permissions:
        raise HouzzApiError(
            "PermissionDenied",
            f"These API credentials lack the '{permission}' permission that {method} needs; "
            "grant it to the app in Seller Central > Settings > API.",
        )
