"""Credential encryption: where the key comes from, how it is protected, what errors say."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from orderbridge.crypto import (
    WRONG_KEY_MESSAGE,
    MissingKeyError,
    SecretBox,
    SecretKeyError,
    WrongKeyError,
    load_or_create_key_file,
    mask,
)
from orderbridge.settings import Settings


def _settings(home: Path, secret_key: str | None = None) -> Settings:
    return Settings(home=home, secret_key=secret_key)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_first_encryption_creates_a_private_home_and_key_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    box = SecretBox.from_settings(_settings(home))
    assert not home.exists() and box.makes_new_key  # nothing to keep secret yet
    token = box.encrypt("hunter2")
    key_file = home / "secret.key"
    assert _mode(home) == 0o700
    assert _mode(key_file) == 0o600
    Fernet(key_file.read_bytes().strip())  # a valid key
    assert [p.name for p in home.iterdir()] == ["secret.key"]  # no temporary files left
    assert not box.makes_new_key
    assert SecretBox.from_settings(_settings(home)).decrypt(token) == "hunter2"


def test_an_existing_home_keeps_its_permissions(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    SecretBox.from_settings(_settings(home)).encrypt("x")
    assert _mode(home) == 0o755
    assert _mode(home / "secret.key") == 0o600


def test_a_missing_key_file_is_never_replaced_by_reading(tmp_path: Path) -> None:
    box = SecretBox.from_settings(_settings(tmp_path))
    token = box.encrypt("s3cret")
    (tmp_path / "secret.key").unlink()
    later = SecretBox.from_settings(_settings(tmp_path))
    with pytest.raises(MissingKeyError, match=f"the key file {tmp_path / 'secret.key'} is "
                       "missing") as caught:
        later.decrypt(token)
    assert caught.value.path == tmp_path / "secret.key"
    assert later.makes_new_key and not (tmp_path / "secret.key").exists()


def test_a_box_made_before_the_key_file_reads_it_once_it_appears(tmp_path: Path) -> None:
    early = SecretBox.from_settings(_settings(tmp_path))  # e.g. a sync started before connect
    token = SecretBox.from_settings(_settings(tmp_path)).encrypt("s3cret")
    assert early.decrypt(token) == "s3cret"


def test_a_home_that_cannot_hold_the_key_file_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    box = SecretBox.from_settings(_settings(blocker / "home"))
    with pytest.raises(SecretKeyError, match="cannot create the key file .*ORDERBRIDGE_HOME must "
                       "be a directory orderbridge can write"):
        box.encrypt("x")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620])
def test_a_key_file_others_can_access_is_refused(tmp_path: Path, mode: int) -> None:
    key_file = tmp_path / "secret.key"
    load_or_create_key_file(key_file)
    key_file.chmod(mode)
    with pytest.raises(SecretKeyError, match=f"chmod 600 {key_file}"):
        SecretBox.from_settings(_settings(tmp_path))


def test_a_corrupt_key_file_is_reported(tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    key_file.write_text("not a key\n")
    key_file.chmod(0o600)
    with pytest.raises(SecretKeyError, match="does not hold a valid Fernet key"):
        SecretBox.from_settings(_settings(tmp_path))


def test_the_environment_key_wins_and_no_key_file_is_made(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    box = SecretBox.from_settings(_settings(tmp_path / "home", secret_key=key))
    assert not (tmp_path / "home").exists()
    token = box.encrypt("s3cret")
    assert Fernet(key.encode()).decrypt(token.encode()) == b"s3cret"


def test_the_environment_key_is_read_through_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", key)
    token = SecretBox.from_settings(Settings()).encrypt("x")
    assert SecretBox(key).decrypt(token) == "x"


def test_a_malformed_environment_key_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError) as caught:
        SecretBox.from_settings(_settings(tmp_path, secret_key="too-short"))
    message = str(caught.value)
    assert "ORDERBRIDGE_SECRET_KEY is not a valid Fernet key" in message
    assert "Fernet.generate_key()" in message


def test_a_token_from_another_key_gives_the_reconnect_message() -> None:
    token = SecretBox(Fernet.generate_key()).encrypt("secret")
    with pytest.raises(WrongKeyError) as caught:
        SecretBox(Fernet.generate_key()).decrypt(token)
    assert str(caught.value) == WRONG_KEY_MESSAGE
    assert "set ORDERBRIDGE_SECRET_KEY to the original key or reconnect" in str(caught.value)


@pytest.mark.parametrize("garbage", ["", "not-a-token", "gAAAAA", "é"])
def test_garbage_tokens_are_wrong_key_errors(garbage: str) -> None:
    with pytest.raises(WrongKeyError):
        SecretBox(Fernet.generate_key()).decrypt(garbage)


def test_round_trip_keeps_unicode_and_tokens_differ() -> None:
    box = SecretBox(Fernet.generate_key())
    first, second = box.encrypt("pässwörd ✓"), box.encrypt("pässwörd ✓")
    assert first != second
    assert "pässwörd" not in first
    assert box.decrypt(first) == box.decrypt(second) == "pässwörd ✓"


def test_the_box_never_shows_its_key() -> None:
    key = Fernet.generate_key()
    assert key.decode() not in repr(SecretBox(key))


def test_processes_starting_together_share_one_key(tmp_path: Path) -> None:
    key_file = tmp_path / "home" / "secret.key"
    keys: list[bytes] = []
    barrier = threading.Barrier(8)

    def create() -> None:
        barrier.wait()
        keys.append(load_or_create_key_file(key_file))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert sorted(os.listdir(key_file.parent)) == ["secret.key"]


@pytest.mark.parametrize(
    ("secret", "shown"),
    [
        ("a-long-api-token", "••••oken"),
        ("123456789012", "••••9012"),
        ("12345678901", "••••"),
        ("abc", "••••"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_shows_at_most_the_last_four_characters(secret: str | None, shown: str) -> None:
    assert mask(secret) == shown
