"""One fuzz target per kind of input that comes into orderbridge from outside. Each takes a
number of Hypothesis examples, drives the real entry point with them and returns the
`FuzzTally` of what became of them (see each target's module for what it checks).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.fuzz.api_target import api_requests
from tests.fuzz.cli_targets import cli_arguments, settings_values
from tests.fuzz.csv_target import csv_imports
from tests.fuzz.form_target import web_forms
from tests.fuzz.houzz_targets import houzz_orders, houzz_writes
from tests.fuzz.qbc_targets import qbc_answers
from tests.fuzz.tally import FuzzTally
from tests.fuzz.webhook_target import qbc_webhooks

Target = Callable[[int], FuzzTally]

TARGETS: dict[str, Target] = {
    "houzz-orders": houzz_orders,  # getOrders pages (JSON) through download and its store step
    "houzz-writes": houzz_writes,  # XML answers to updateOrder / updateInventory
    "qbc": qbc_answers,  # QBC pages and records through QbcClient
    "webhooks": qbc_webhooks,  # QBC webhook deliveries through the web app's route
    "cli": cli_arguments,  # argv through the Typer app
    "settings": settings_values,  # config set KEY VALUE, read back by config show
    "csv": csv_imports,  # alias import FILE
    "forms": web_forms,  # every form of the screens, logged in, CSRF right or not
    "api": api_requests,  # the REST API from its OpenAPI schema (schemathesis)
}
HOLDS = frozenset({"houzz-orders", "houzz-writes"})
"""Targets whose records can be held with a reason (the others accept or refuse)."""

__all__ = ["HOLDS", "TARGETS", "Target", "api_requests", "cli_arguments", "csv_imports",
           "houzz_orders", "houzz_writes", "qbc_answers", "qbc_webhooks", "settings_values",
           "web_forms"]
