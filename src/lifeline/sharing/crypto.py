"""Encryption at rest of the hub's personal fields (AES-256-GCM, envelope keys; no I/O).

Each dataset has its own random 256-bit data key, stored *wrapped*: encrypted under the
master key with the dataset id as associated data. A value is stored as the token
``enc:v1:<key_version>:<base64(nonce | ciphertext)>`` whose associated data is the record id and
the field name, so a ciphertext cannot be moved to another field or record. Exact keys built
from personal columns are stored as an HMAC-SHA256 blind index instead of the plain text.
Rotating the master key re-wraps the data keys only; stored values are left untouched. Rotating
a dataset's data key (``service.keys``) adds a version and seals every value again under it;
tokens name their version, so both decrypt until the old one is destroyed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc:v1:"
NONCE_BYTES = 12
KEY_BYTES = 32
BLIND_PREFIX = "hmac:"


class CryptoError(Exception):
    """A key or value could not be decrypted (wrong key, tampered or moved ciphertext)."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def parse_master_key(text: str) -> bytes:
    """The 32 raw bytes of a base64-encoded master key (raises ValueError otherwise)."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the master key must be base64") from exc
    if len(raw) != KEY_BYTES:
        raise ValueError(f"the master key must be {KEY_BYTES} bytes, got {len(raw)}")
    return raw


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError) as exc:
        raise CryptoError("decryption failed: wrong key or tampered data") from exc


def wrap_key(master: bytes, dataset_id: str, data_key: bytes) -> str:
    return base64.b64encode(_seal(master, data_key, dataset_id.encode())).decode("ascii")


def unwrap_key(master: bytes, dataset_id: str, wrapped: str) -> bytes:
    return _open(master, base64.b64decode(wrapped), dataset_id.encode())


def _aad(record_id: str, field: str) -> bytes:
    return f"{record_id}\x1f{field}".encode()


def is_token(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypt_value(data_key: bytes, version: int, record_id: str, field: str, value: Any) -> str:
    """The token of any JSON value, bound to ``record_id`` and ``field``."""
    plaintext = json.dumps(value, ensure_ascii=False).encode()
    sealed = _seal(data_key, plaintext, _aad(record_id, field))
    return f"{PREFIX}{version}:{base64.b64encode(sealed).decode('ascii')}"


def token_version(token: str) -> int:
    try:
        return int(token[len(PREFIX) :].split(":", 1)[0])
    except ValueError as exc:
        raise CryptoError("malformed token") from exc


def decrypt_value(data_key: bytes, record_id: str, field: str, token: str) -> Any:
    if not is_token(token):
        raise CryptoError("not an encrypted value")
    try:
        sealed = base64.b64decode(token[len(PREFIX) :].split(":", 1)[1], validate=True)
    except (IndexError, binascii.Error, ValueError) as exc:
        raise CryptoError("malformed token") from exc
    return json.loads(_open(data_key, sealed, _aad(record_id, field)))


def blind_index(data_key: bytes, value: str) -> str:
    """A keyed HMAC-SHA256 of ``value``; the HMAC key is derived from the dataset's data key
    (itself protected by the master key), so the index survives master-key rotation."""
    index_key = hmac.new(data_key, b"lifeline blind index v1", hashlib.sha256).digest()
    return BLIND_PREFIX + hmac.new(index_key, value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class DataKey:
    """A dataset's unwrapped data key and its version."""

    key: bytes
    version: int

    def encrypt(self, record_id: str, field: str, value: Any) -> str:
        return encrypt_value(self.key, self.version, record_id, field, value)

    def decrypt(self, record_id: str, field: str, token: str) -> Any:
        if token_version(token) != self.version:
            raise CryptoError(f"no data key version {token_version(token)}")
        return decrypt_value(self.key, record_id, field, token)

    def blind(self, value: str) -> str:
        return blind_index(self.key, value)

    def seal_fields(
        self, record_id: str, data: dict[str, Any], fields: tuple[str, ...], prefix: str
    ) -> dict[str, Any]:
        """``data`` with each of ``fields`` (when present and not None) encrypted."""
        out = dict(data)
        for name in fields:
            if out.get(name) is not None:
                out[name] = self.encrypt(record_id, prefix + name, out[name])
        return out

    def open_fields(
        self, record_id: str, data: dict[str, Any], fields: tuple[str, ...], prefix: str
    ) -> dict[str, Any]:
        """``data`` with each of ``fields`` that holds a token decrypted."""
        out = dict(data)
        for name in fields:
            if is_token(out.get(name)):
                out[name] = self.decrypt(record_id, prefix + name, out[name])
        return out
