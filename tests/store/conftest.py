"""Fixtures for store tests: an integration to hang rows on."""

from __future__ import annotations

import pytest

from orderbridge.store import Store
from orderbridge.store.integrations import get_or_create_integration


@pytest.fixture
def integration_id(store: Store) -> int:
    """The id of the ``default`` integration in the test's store."""
    with store.begin() as session:
        return get_or_create_integration(session).id
