"""Credentials are encrypted at rest with a key that never enters the database.

The key is ``ORDERBRIDGE_SECRET_KEY`` (a Fernet key) when set; otherwise ``<home>/secret.key``,
created on first use with mode 0600 inside a 0700 home. A key file that group or others can
read is refused rather than silently used: whoever can read it can read every credential.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from orderbridge.settings import Settings

_HOW_TO_MAKE_A_KEY = (
    "make one with: python -c "
    "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)
WRONG_KEY_MESSAGE = (
    "credentials were encrypted with another key; "
    "set ORDERBRIDGE_SECRET_KEY to the original key or reconnect"
)
MASK = "••••"
_MIN_LENGTH_TO_SHOW_TAIL = 12


class SecretKeyError(Exception):
    """The encryption key is missing, malformed, unsafe, or not the one the data needs."""


class WrongKeyError(SecretKeyError):
    """A token cannot be decrypted with the current key (or is not a token at all)."""

    def __init__(self) -> None:
        super().__init__(WRONG_KEY_MESSAGE)


class SecretBox:
    """Encrypts and decrypts short strings (credential blobs) with one Fernet key."""

    def __init__(self, key: bytes | str) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError) as error:
            raise SecretKeyError(
                "the secret key is not a valid Fernet key (32 url-safe base64-encoded bytes); "
                + _HOW_TO_MAKE_A_KEY
            ) from error

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        """The box for these settings: the env key if set, else the (new) key file in home."""
        if settings.secret_key is not None:
            try:
                return cls(settings.secret_key.get_secret_value().strip())
            except SecretKeyError:
                raise SecretKeyError(
                    "ORDERBRIDGE_SECRET_KEY is not a valid Fernet key "
                    "(32 url-safe base64-encoded bytes); " + _HOW_TO_MAKE_A_KEY
                ) from None
        return cls(load_or_create_key_file(settings.key_file))

    def encrypt(self, plaintext: str) -> str:
        """A token (ASCII text) holding ``plaintext``."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text inside ``token``; ``WrongKeyError`` if this key did not make it."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise WrongKeyError() from None


def load_or_create_key_file(path: Path) -> bytes:
    """Read the key in ``path``, creating the file (0600) and its directory (0700) if missing.

    Creation is atomic: the key is written to a private temporary file that is then linked into
    place, so two processes starting at once end up with the same key.
    """
    if not path.exists():
        _create_key_file(path)
    mode = path.stat().st_mode
    if stat.S_IMODE(mode) & 0o077:
        raise SecretKeyError(
            f"the key file {path} is readable or writable by other users "
            f"(mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}"
        )
    key = path.read_bytes().strip()
    try:
        Fernet(key)
    except (ValueError, TypeError):
        raise SecretKeyError(
            f"the key file {path} does not hold a valid Fernet key; restore the original file, "
            "or set ORDERBRIDGE_SECRET_KEY; " + _HOW_TO_MAKE_A_KEY
        ) from None
    return key


def _create_key_file(path: Path) -> None:
    directory = path.parent
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.chmod(0o700)  # mkdir's mode is filtered by the umask
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".secret-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:  # mkstemp makes it 0600
            handle.write(Fernet.generate_key() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won: use its key
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def mask(secret: str | None) -> str:
    """A secret for display: ``••••`` plus at most its last 4 characters.

    Secrets shorter than 12 characters show nothing but the bullets; an empty or missing
    secret shows as an empty string (so "not set" stays distinguishable).
    """
    if not secret:
        return ""
    if len(secret) < _MIN_LENGTH_TO_SHOW_TAIL:
        return MASK
    return MASK + secret[-4:]
