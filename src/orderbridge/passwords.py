"""Password and API-token hashing: argon2 (argon2-cffi, its recommended parameters) for
passwords, which people choose; SHA-256 for API tokens, which are 32 random bytes and so need no
slow hash. Tokens are made here too, so their shape is defined once."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
TOKEN_PREFIX = "obt_"
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_api_token() -> str:
    """A new token: ``obt_`` and 43 url-safe characters (32 random bytes)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def weak_password_reason(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must be at least {MIN_PASSWORD_LENGTH} characters long"
    if not password.strip():
        return "the password cannot be only spaces"
    return None


def user_name_problem(name: str) -> str | None:
    """Why a user name is refused, or None."""
    if not name or len(name) > 64 or not name.isprintable() or name != name.strip():
        return "the user name must be 1 to 64 printable characters, without spaces around"
    return None
