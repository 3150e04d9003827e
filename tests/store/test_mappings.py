"""SKU aliases and the ship-method map."""

from __future__ import annotations

import pytest

from orderbridge.store import Store
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.store.mappings import (
    add_alias,
    import_aliases,
    list_aliases,
    remove_alias,
    remove_ship_method,
    set_ship_method,
    ship_method_map,
)


def test_aliases_add_replace_resolve_remove(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        add_alias(session, integration_id, " HZ-CHAIR ", "CHAIR-01")
        add_alias(session, integration_id, "HZ-LAMP", "LAMP-9")
    with store.begin() as session:
        add_alias(session, integration_id, "HZ-LAMP", "LAMP-10")
    with store.begin() as session:
        assert "hz-chair" not in list_aliases(session, integration_id)  # exact match
        assert list_aliases(session, integration_id) == {
            "HZ-CHAIR": "CHAIR-01",
            "HZ-LAMP": "LAMP-10",
        }
        assert remove_alias(session, integration_id, "HZ-LAMP") is True
        assert remove_alias(session, integration_id, "HZ-LAMP") is False
        assert list_aliases(session, integration_id) == {"HZ-CHAIR": "CHAIR-01"}


def test_bulk_import_counts_and_later_pairs_win(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        count = import_aliases(session, integration_id, iter([("A", "1"), ("B", "2"), ("A", "3")]))
    assert count == 3
    with store.begin() as session:
        assert list_aliases(session, integration_id) == {"A": "3", "B": "2"}


def test_a_blank_sku_rejects_the_whole_import(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        with pytest.raises(ValueError, match="warehouse SKU must not be blank"):
            import_aliases(session, integration_id, [("A", "1"), ("B", " ")])
        assert list_aliases(session, integration_id) == {}


def test_aliases_are_per_integration(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        other = get_or_create_integration(session, "other").id
        add_alias(session, integration_id, "A", "1")
        add_alias(session, other, "A", "2")
        assert list_aliases(session, integration_id) == {"A": "1"}
        assert list_aliases(session, other) == {"A": "2"}


def test_ship_method_map(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        assert ship_method_map(session, integration_id) == {}
        set_ship_method(session, integration_id, "STANDARD", "Ground")
        set_ship_method(session, integration_id, "EXPEDITED", "2-Day")
    with store.begin() as session:
        set_ship_method(session, integration_id, "STANDARD", "UPS Ground")
    with store.begin() as session:
        assert ship_method_map(session, integration_id) == {
            "EXPEDITED": "2-Day",
            "STANDARD": "UPS Ground",
        }
        assert remove_ship_method(session, integration_id, "EXPEDITED") is True
        assert remove_ship_method(session, integration_id, "EXPEDITED") is False
        with pytest.raises(ValueError, match="blank"):
            set_ship_method(session, integration_id, "", "x")
