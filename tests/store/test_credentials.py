"""Credentials are encrypted at rest and come back decrypted, never shown whole."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from orderbridge.crypto import SecretBox, WrongKeyError
from orderbridge.settings import Settings
from orderbridge.store import Store
from orderbridge.store.credentials import (
    configured_connectors,
    delete_credentials,
    load_credentials,
    save_credentials,
)
from orderbridge.store.tables import Credential

HOUZZ = {"token": "houzz-token-abcdefgh", "username": "shop", "app_name": "orderbridge"}


@pytest.fixture
def box(settings: Settings) -> SecretBox:
    return SecretBox.from_settings(settings)


def test_saved_credentials_load_back_decrypted(
    store: Store, integration_id: int, box: SecretBox
) -> None:
    with store.begin() as session:
        assert load_credentials(session, integration_id, "houzz", box) is None
        save_credentials(
            session, integration_id, "houzz", HOUZZ, box, base_url="http://127.0.0.1:1"
        )
    with store.begin() as session:
        loaded = load_credentials(session, integration_id, "houzz", box)
    assert loaded is not None
    assert loaded.values == HOUZZ
    assert loaded.base_url == "http://127.0.0.1:1"
    assert loaded.updated_at.tzinfo is not None


def test_the_database_holds_only_ciphertext(
    store: Store, integration_id: int, box: SecretBox
) -> None:
    with store.begin() as session:
        save_credentials(session, integration_id, "houzz", HOUZZ, box)
    with store.begin() as session:
        stored = session.scalars(select(Credential.secret)).one()
    assert "houzz-token" not in stored and "shop" not in stored


def test_repr_shows_only_masked_values(store: Store, integration_id: int, box: SecretBox) -> None:
    with store.begin() as session:
        save_credentials(session, integration_id, "qbc", {"token": "qbc-secret-token-1234"}, box)
        loaded = load_credentials(session, integration_id, "qbc", box)
    assert loaded is not None
    assert "qbc-secret-token" not in repr(loaded)
    assert loaded.masked() == {"token": "••••1234"}


def test_saving_again_replaces(store: Store, integration_id: int, box: SecretBox) -> None:
    with store.begin() as session:
        save_credentials(session, integration_id, "qbc", {"token": "old"}, box, base_url="a")
    with store.begin() as session:
        save_credentials(session, integration_id, "qbc", {"token": "new"}, box)
    with store.begin() as session:
        loaded = load_credentials(session, integration_id, "qbc", box)
        assert loaded is not None
        assert (loaded.values, loaded.base_url) == ({"token": "new"}, None)
        assert session.scalars(select(Credential)).all().__len__() == 1


def test_another_key_cannot_read_them(store: Store, integration_id: int, box: SecretBox) -> None:
    with store.begin() as session:
        save_credentials(session, integration_id, "qbc", {"token": "t"}, box)
    with store.begin() as session, pytest.raises(WrongKeyError, match="reconnect"):
        load_credentials(session, integration_id, "qbc", SecretBox(Fernet.generate_key()))


def test_list_and_delete(store: Store, integration_id: int, box: SecretBox) -> None:
    with store.begin() as session:
        assert configured_connectors(session, integration_id) == []
        save_credentials(session, integration_id, "qbc", {"token": "t"}, box)
        save_credentials(session, integration_id, "houzz", HOUZZ, box)
        assert configured_connectors(session, integration_id) == ["houzz", "qbc"]
        assert delete_credentials(session, integration_id, "qbc") is True
        assert delete_credentials(session, integration_id, "qbc") is False
        assert configured_connectors(session, integration_id) == ["houzz"]


def test_unknown_connectors_are_refused(store: Store, integration_id: int, box: SecretBox) -> None:
    with store.begin() as session, pytest.raises(ValueError, match="unknown connector"):
        save_credentials(session, integration_id, "shopify", {}, box)  # type: ignore[arg-type]
