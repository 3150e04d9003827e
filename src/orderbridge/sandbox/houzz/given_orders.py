"""Orders placed with explicit fields (`POST /_sandbox/orders {"orders": [...]}`).

Every field is kept exactly as given, malformed or not, so the hub meets it over the wire: wrong
types, a missing Address, negative quantities, any unicode. A key given as null (at any depth
inside objects) is removed. Missing `OrderId`, `Status` and `Created` are filled in (a fresh id,
the lifecycle's starting status, now); a null one is left out of what the API shows. A given
`Created` is shown verbatim and, when it parses as a Houzz date, also drives From/To filtering
and sorting; when it does not, the moment it was placed is used instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderbridge.sandbox.houzz.dates import parse_houzz_datetime
from orderbridge.sandbox.houzz.orders import CHARGED, PLACED, HouzzOrder
from orderbridge.sandbox.houzz.state import HouzzState

_FILLED_IN = ("OrderId", "Status", "Created")


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def order_as_given(state: HouzzState, given: dict[str, Any], now: datetime) -> HouzzOrder:
    omitted = frozenset(key for key in _FILLED_IN if key in given and given[key] is None)
    body = without_nulls(given)
    id_given = body.pop("OrderId", None)
    status_given = body.pop("Status", None)
    created_given = body.pop("Created", None)
    starting = CHARGED if state.settings.lifecycle == "post2021" else PLACED
    created_at = now
    if isinstance(created_given, str):
        created_at = parse_houzz_datetime(created_given, state.settings.zone) or now
    return HouzzOrder(
        order_id=state.new_order_id() if id_given is None else str(id_given),
        status=None if "Status" in omitted else (starting if "Status" not in given
                                                 else status_given),
        created_at=created_at,
        body=body,
        id_as_given=None if isinstance(id_given, str) else id_given,
        created_as_given=created_given,
        omitted=omitted,
    )
