"""The cust_ref ledger: first free candidate, same reference forever, never reused."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import delete

from orderbridge.store import Store
from orderbridge.store.cust_refs import (
    NoFreeCustRefError,
    cust_ref_for,
    cust_ref_owner,
    reserve_cust_ref,
)
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.store.tables import Order
from tests.store.factories import store_order


def test_the_first_free_candidate_is_reserved(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        assert reserve_cust_ref(session, integration_id, "1000123", ["0123", "0123-2"]) == "0123"
        assert reserve_cust_ref(session, integration_id, "2000123", ["0123", "0123-2"]) == (
            "0123-2"
        )
        assert cust_ref_for(session, integration_id, "1000123") == "0123"
        assert cust_ref_owner(session, integration_id, "0123-2") == "2000123"
        assert cust_ref_owner(session, integration_id, "free") is None


def test_an_order_keeps_its_reference(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        first = reserve_cust_ref(session, integration_id, "1", ["A"])
    with store.begin() as session:
        assert reserve_cust_ref(session, integration_id, "1", ["B"]) == first == "A"


def test_candidates_are_consumed_lazily(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        reserve_cust_ref(session, integration_id, "x", ["R"])
        endless = (f"R-{n}" if n else "R" for n in itertools.count())
        assert reserve_cust_ref(session, integration_id, "y", endless) == "R-1"


def test_running_out_of_candidates_is_an_error(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        reserve_cust_ref(session, integration_id, "x", ["R"])
        with pytest.raises(NoFreeCustRefError, match="after 1 candidates"):
            reserve_cust_ref(session, integration_id, "y", ["R"])
        with pytest.raises(ValueError, match="1-64 characters"):
            reserve_cust_ref(session, integration_id, "y", ["R" * 65])
        with pytest.raises(ValueError):
            reserve_cust_ref(session, integration_id, "y", [""])


def test_a_reference_outlives_its_deleted_order(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        ref = reserve_cust_ref(session, integration_id, "42", ["HZ-42"])
        store_order(session, integration_id, "42", cust_ref=ref)
    with store.begin() as session:
        session.execute(delete(Order))
    with store.begin() as session:
        assert reserve_cust_ref(session, integration_id, "43", ["HZ-42", "HZ-43"]) == "HZ-43"
        assert reserve_cust_ref(session, integration_id, "42", ["HZ-X"]) == "HZ-42"


def test_references_are_per_integration(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        other = get_or_create_integration(session, "other").id
        assert reserve_cust_ref(session, integration_id, "1", ["A"]) == "A"
        assert reserve_cust_ref(session, other, "2", ["A"]) == "A"
