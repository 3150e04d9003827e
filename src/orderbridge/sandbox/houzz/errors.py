"""The one way an API call fails: an `Ack=Error` answer carrying a code and a message.

Handlers raise `HouzzApiError`; the `/api` route turns it into the error envelope in the format
the caller asked for. Messages name the parameter, order or SKU concerned and say what to do.
"""

from __future__ import annotations


class HouzzApiError(Exception):
    """A request the simulated Houzz refuses, answered with `Ack=Error`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def missing_field(field: str, request_root: str) -> HouzzApiError:
    return HouzzApiError("MissingField", f"<{field}> is required in <{request_root}>.")


def invalid_field(field: str, value: str, expected: str) -> HouzzApiError:
    return HouzzApiError("InvalidField", f"{field} {value!r} is not valid: {expected}.")


def invalid_parameter(name: str, value: str, expected: str) -> HouzzApiError:
    return HouzzApiError("InvalidParameter",
                         f"Query parameter {name}={value!r} is not valid: {expected}.")
