"""Buyers seen before keep their warehouse ids, so repeat orders need no lookups."""

from __future__ import annotations

from orderbridge.store import Store
from orderbridge.store.buyers import WarehouseBuyer, get_buyers, put_buyers


def test_get_put_and_replace(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        assert get_buyers(session, integration_id, ["ada@example.com"]) == {}
        put_buyers(session, integration_id, {"ada@example.com": WarehouseBuyer("c-1", "a-1")})
        put_buyers(session, integration_id, {"bob@example.com": WarehouseBuyer("c-2")})
    with store.begin() as session:
        put_buyers(session, integration_id, {"ada@example.com": WarehouseBuyer("c-1", "a-7")})
    with store.begin() as session:
        found = get_buyers(session, integration_id, ["ada@example.com", "bob@example.com"])
        assert found["ada@example.com"] == WarehouseBuyer("c-1", "a-7")
        assert found["bob@example.com"] == WarehouseBuyer("c-2")


def test_many_are_put_in_one_go(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        put_buyers(session, integration_id, {"ada@example.com": WarehouseBuyer("c-1")})
    with store.begin() as session:
        put_buyers(session, integration_id, {"ada@example.com": WarehouseBuyer("c-1", "a-1"),
                                             "bob@example.com": WarehouseBuyer("c-2")})
        put_buyers(session, integration_id, {})
    with store.begin() as session:
        assert get_buyers(session, integration_id, ["ada@example.com", "bob@example.com",
                                                    "eve@example.com"]) == {
            "ada@example.com": WarehouseBuyer("c-1", "a-1"),
            "bob@example.com": WarehouseBuyer("c-2")}
