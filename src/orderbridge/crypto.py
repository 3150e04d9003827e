"""Credentials are encrypted at rest with a key that never enters the database.

The key is ``ORDERBRIDGE_SECRET_KEY`` (a Fernet key) when set; otherwise ``<home>/secret.key``,
created when the first credentials are encrypted, with mode 0600 inside a 0700 home. A key file
that group or others can read is refused rather than silently used: whoever can read it can
read every credential. A key file that is missing is never replaced behind the merchant's back:
reading credentials then fails with `MissingKeyError`, and `store.credentials` refuses to encrypt
new ones with a new key while others made with the lost key are stored.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from orderbridge.errors import OrderbridgeError
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


class SecretKeyError(OrderbridgeError):
    """The encryption key is missing, malformed, unsafe, or not the one the data needs: an
    error of the hub's own (a job reports it as such; the CLI prints it as one line)."""


class WrongKeyError(SecretKeyError):
    """A token cannot be decrypted with the current key (or is not a token at all)."""

    def __init__(self, message: str = WRONG_KEY_MESSAGE) -> None:
        super().__init__(message)


class MissingKeyError(SecretKeyError):
    """The key file is not there, so nothing encrypted with it can be read."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"the key file {path} is missing")
        self.path = path


class SecretBox:
    """Encrypts and decrypts short strings (credential blobs) with one Fernet key.

    A box made by `from_settings` before the key file exists has no key yet: it makes the file
    when it first encrypts (`makes_new_key` says so beforehand) and, until then, refuses to
    decrypt with `MissingKeyError`.
    """

    def __init__(self, key: bytes | str | None, *, key_file: Path | None = None) -> None:
        self._key_file = key_file
        self._fernet: Fernet | None = None if key is None else _fernet(key)

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        """The box for these settings: the env key if set, else the key file in home (made
        when the first credentials are encrypted)."""
        if settings.secret_key is not None:
            try:
                return cls(settings.secret_key.get_secret_value().strip())
            except SecretKeyError:
                raise SecretKeyError(
                    "ORDERBRIDGE_SECRET_KEY is not a valid Fernet key "
                    "(32 url-safe base64-encoded bytes); " + _HOW_TO_MAKE_A_KEY
                ) from None
        box = cls(None, key_file=settings.key_file)
        box._loaded()  # a key file that is there but unsafe or corrupt fails now
        return box

    @property
    def key_file(self) -> Path | None:
        """Where the key lives (None for a key given as such, e.g. ORDERBRIDGE_SECRET_KEY)."""
        return self._key_file

    @property
    def makes_new_key(self) -> bool:
        """Whether encrypting would first create a key file (there is none yet)."""
        return self._loaded() is None

    def encrypt(self, plaintext: str) -> str:
        """A token (ASCII text) holding ``plaintext``."""
        fernet = self._loaded()
        if fernet is None:
            assert self._key_file is not None  # a box has a key or a key file
            fernet = self._fernet = _fernet(load_or_create_key_file(self._key_file))
        return fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text inside ``token``; ``WrongKeyError`` if this key did not make it,
        ``MissingKeyError`` if the key file is not there."""
        fernet = self._loaded()
        if fernet is None:
            assert self._key_file is not None
            raise MissingKeyError(self._key_file)
        try:
            return fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise WrongKeyError() from None

    def _loaded(self) -> Fernet | None:
        """The key, read from the key file if that has appeared (another process made it)."""
        if self._fernet is None and self._key_file is not None and _exists(self._key_file):
            self._fernet = _fernet(load_or_create_key_file(self._key_file))
        return self._fernet


def _fernet(key: bytes | str) -> Fernet:
    try:
        return Fernet(key)
    except (ValueError, TypeError) as error:
        raise SecretKeyError(
            "the secret key is not a valid Fernet key (32 url-safe base64-encoded bytes); "
            + _HOW_TO_MAKE_A_KEY
        ) from error


def _exists(path: Path) -> bool:
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):  # not there (the home may be a file)
        return False
    except OSError as exc:  # e.g. a home orderbridge may not enter
        raise _unusable(path, exc, "read") from None
    return True


def _unusable(path: Path, exc: OSError, verb: str) -> SecretKeyError:
    return SecretKeyError(
        f"cannot {verb} the key file {path} ({exc.strerror or exc}): ORDERBRIDGE_HOME must be "
        "a directory orderbridge can write; set ORDERBRIDGE_HOME to one, or set "
        "ORDERBRIDGE_SECRET_KEY"
    )


def load_or_create_key_file(path: Path) -> bytes:
    """Read the key in ``path``, creating the file (0600) and its directory (0700) if missing.

    Creation is atomic: the key is written to a private temporary file that is then linked into
    place, so two processes starting at once end up with the same key.
    """
    try:
        if not path.exists():
            _create_key_file(path)
        mode = path.stat().st_mode
    except OSError as exc:
        raise _unusable(path, exc, "create") from None
    if stat.S_IMODE(mode) & 0o077:
        raise SecretKeyError(
            f"the key file {path} is readable or writable by other users "
            f"(mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}"
        )
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise _unusable(path, exc, "read") from None
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
