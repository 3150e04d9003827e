"""Integrations and their settings."""

from __future__ import annotations

import pytest

from orderbridge.store import Store
from orderbridge.store.integrations import (
    DEFAULT_INTEGRATION,
    all_settings,
    delete_setting,
    get_integration,
    get_or_create_integration,
    list_integrations,
    pause_integration,
    resume_integration,
    set_setting,
)


def test_get_or_create_makes_the_default_integration_once(store: Store) -> None:
    with store.begin() as session:
        assert get_integration(session) is None
        first = get_or_create_integration(session)
        assert first.name == DEFAULT_INTEGRATION == "default"
        assert first.paused is False
        assert first.created_at.tzinfo is not None
    with store.begin() as session:
        assert get_or_create_integration(session).id == first.id
        other = get_or_create_integration(session, "acme")
        assert other.id != first.id
        assert [i.name for i in list_integrations(session)] == ["acme", "default"]


def test_a_blank_name_is_refused(store: Store) -> None:
    with store.begin() as session, pytest.raises(ValueError, match="non-blank"):
        get_or_create_integration(session, "  ")


def test_pause_and_resume(store: Store) -> None:
    with store.begin() as session:
        integration = get_or_create_integration(session)
        pause_integration(session, integration, "QBC answered 401: reconnect QBC")
    with store.begin() as session:
        integration = get_or_create_integration(session)
        assert integration.paused is True
        assert integration.paused_reason == "QBC answered 401: reconnect QBC"
        resume_integration(session, integration)
    with store.begin() as session:
        integration = get_or_create_integration(session)
        assert (integration.paused, integration.paused_reason) == (False, None)


def test_settings_are_set_replaced_listed_and_deleted(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        assert all_settings(session, integration_id) == {}
        set_setting(session, integration_id, "delivery", "preview")
        set_setting(session, integration_id, "cust_ref.max_length", "20")
    with store.begin() as session:
        set_setting(session, integration_id, "delivery", "live")
    with store.begin() as session:
        assert all_settings(session, integration_id) == {
            "cust_ref.max_length": "20",
            "delivery": "live",
        }
        assert delete_setting(session, integration_id, "delivery") is True
        assert delete_setting(session, integration_id, "delivery") is False
        assert all_settings(session, integration_id) == {"cust_ref.max_length": "20"}


def test_settings_belong_to_one_integration(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        other = get_or_create_integration(session, "other").id
        set_setting(session, integration_id, "k", "mine")
        set_setting(session, other, "k", "theirs")
    with store.begin() as session:
        assert all_settings(session, integration_id) == {"k": "mine"}
        assert all_settings(session, other) == {"k": "theirs"}


def test_nothing_is_kept_when_the_caller_rolls_back(store: Store, integration_id: int) -> None:
    with store.session() as session:
        set_setting(session, integration_id, "k", "v")
        session.rollback()
    with store.begin() as session:
        assert "k" not in all_settings(session, integration_id)
