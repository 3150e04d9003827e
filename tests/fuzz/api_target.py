"""The REST API fuzzed from its own OpenAPI schema by schemathesis, as `tests/web/
test_api_fuzz.py` does, but counted: every generated request (valid and not) to every
operation, against the real server on a store holding an integration, an alias and orders.
No answer is a 5xx; a refusal is JSON whose `error` says what was wrong.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.core.result import Ok

from orderbridge.passwords import new_api_token, token_hash
from orderbridge.store import mappings, users
from orderbridge.workflows.context import open_context
from orderbridge.workflows.orders.download import DownloadResult, store_page
from tests.fuzz.form_target import SEEDED, seed_order, served_web
from tests.fuzz.running import run_cases
from tests.fuzz.tally import FuzzTally


def api_requests(examples: int) -> FuzzTally:
    with served_web() as web:
        token = new_api_token()
        headers = {"Authorization": f"Bearer {token}"}
        ctx = open_context(web.store, web.settings, "default", create=True)
        with web.store.begin() as session:
            users.add_token(session, "fuzz", token_hash(token), token[:8])
            mappings.add_alias(session, ctx.integration_id, "HZ-1", "QBC-1")
            store_page(ctx, session, [seed_order(SEEDED[0]), {"OrderId": SEEDED[1]}],
                       DownloadResult())
        ctx.close()
        schema = schemathesis.openapi.from_url(f"{web.url}/openapi.json", headers=headers)
        operations = []
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result  # the schema itself is valid
            operations.append(result.ok())
        cases = st.sampled_from(operations).flatmap(lambda operation: operation.as_strategy())
        return run_cases("API requests (schemathesis)", cases, examples,
                         lambda case, tally: _call(case, headers, tally))


def _call(case: Any, headers: dict[str, str], tally: FuzzTally) -> None:
    response = case.call(headers=headers)
    label = f"{case.method} {case.formatted_path}"
    if response.status_code >= 500:
        tally.crash(f"HTTP {response.status_code} to {label}: {response.text[:300]}", label)
    elif response.status_code < 400:
        tally.accept()
    else:
        tally.refuse(_error(response), label)


def _error(response: Any) -> str | None:
    try:
        document = response.json()
    except ValueError:
        return None
    return str(document.get("error")) if isinstance(document, dict) else None
