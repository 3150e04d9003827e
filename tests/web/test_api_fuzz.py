"""The REST API fuzzed from its own OpenAPI schema by schemathesis: for every operation, many
generated requests (valid and not), none answered with a 5xx. The app is the real server on a
store holding an integration, so generated names and ids meet real rows too.

Each operation's strategy is run with plain Hypothesis (``schema.get_all_operations()``):
schemathesis' pytest fixture integration does not run on this pytest version.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from orderbridge.passwords import new_api_token, token_hash
from orderbridge.store import integrations, mappings, users
from tests.web.conftest import Web

EXAMPLES_PER_OPERATION = 40


def test_no_generated_request_gets_a_server_error(web: Web) -> None:
    token = new_api_token()
    headers = {"Authorization": f"Bearer {token}"}
    with web.store.begin() as session:
        users.add_token(session, "fuzz", token_hash(token), token[:8])
        row = integrations.get_or_create_integration(session)
        mappings.add_alias(session, row.id, "HZ-1", "QBC-1")
    schema = schemathesis.openapi.from_url(f"{web.url}/openapi.json", headers=headers)
    fuzzed = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the schema itself is valid
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_server_error(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        no_server_error()
        fuzzed.append(operation.label)
    assert len(fuzzed) >= 2, fuzzed
    print(f"\nfuzzed {len(fuzzed)} operations × up to {EXAMPLES_PER_OPERATION} requests")
