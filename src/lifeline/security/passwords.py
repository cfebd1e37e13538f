"""Password hashing with Argon2id (argon2-cffi), and API-key hashing.

Passwords are low-entropy, so they get a slow, memory-hard hash. API keys are 256-bit random
secrets, so a fast keyed-free SHA-256 is sufficient and keeps device requests cheap; only the
hash and a short lookup prefix are stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 "low memory" profile)
_DUMMY_HASH = _hasher.hash("lifeline-dummy-password-for-timing")

MIN_PASSWORD_LENGTH = 10
API_KEY_PREFIX = "ll_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; spends the same time when the user does not exist."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why ``password`` is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if password.isdigit() or password.isalpha():
        return "must mix letters with digits or symbols"
    return None


def new_api_key() -> tuple[str, str, str]:
    """Return ``(key, prefix, key_hash)``; the key is shown once and never stored."""
    prefix = secrets.token_hex(4)
    key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, hash_api_key(key)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def split_api_key(key: str) -> str | None:
    """The lookup prefix of a well-formed key, or None."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    rest = key[len(API_KEY_PREFIX) :]
    prefix, sep, secret = rest.partition("_")
    if not sep or len(prefix) != 8 or not secret:
        return None
    return prefix


def api_key_matches(key: str, key_hash: str) -> bool:
    return hmac.compare_digest(hash_api_key(key), key_hash)
