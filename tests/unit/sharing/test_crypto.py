"""Encryption at rest: tokens round-trip, refuse tampering and moving, keys wrap and unwrap."""

from __future__ import annotations

import base64

import pytest

from lifeline.sharing.crypto import (
    CryptoError,
    DataKey,
    blind_index,
    decrypt_value,
    encrypt_value,
    is_token,
    new_data_key,
    parse_master_key,
    unwrap_key,
    wrap_key,
)

MASTER = bytes(range(32))


@pytest.mark.parametrize(
    "value", ["张三", "44030519900101123X", 42, 1.5, {"lon": 114.05, "lat": 22.54}, ""]
)
def test_values_round_trip_as_versioned_tokens(value: object) -> None:
    key = new_data_key()
    token = encrypt_value(key, 3, "rec-1", "data.name", value)
    assert token.startswith("enc:v1:3:")
    assert is_token(token)
    assert "张三" not in token
    assert decrypt_value(key, "rec-1", "data.name", token) == value
    # a fresh nonce each time
    assert token != encrypt_value(key, 3, "rec-1", "data.name", value)


def test_tampered_or_moved_ciphertext_is_refused() -> None:
    key = DataKey(new_data_key(), 1)
    token = key.encrypt("rec-1", "data.phone", "13812345678")
    raw = bytearray(base64.b64decode(token.split(":", 3)[3]))
    raw[-1] ^= 1
    tampered = "enc:v1:1:" + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(CryptoError):
        key.decrypt("rec-1", "data.phone", tampered)
    with pytest.raises(CryptoError):  # swapped into another field
        key.decrypt("rec-1", "data.name", token)
    with pytest.raises(CryptoError):  # moved to another record
        key.decrypt("rec-2", "data.phone", token)
    with pytest.raises(CryptoError):  # another dataset's key
        DataKey(new_data_key(), 1).decrypt("rec-1", "data.phone", token)
    with pytest.raises(CryptoError):  # an unknown key version
        DataKey(key.key, 2).decrypt("rec-1", "data.phone", token)
    with pytest.raises(CryptoError):
        key.decrypt("rec-1", "data.phone", "enc:v1:1:not base64!")


def test_data_keys_wrap_under_the_master_key_bound_to_their_dataset() -> None:
    data_key = new_data_key()
    wrapped = wrap_key(MASTER, "ds-1", data_key)
    assert unwrap_key(MASTER, "ds-1", wrapped) == data_key
    with pytest.raises(CryptoError):
        unwrap_key(MASTER, "ds-2", wrapped)
    with pytest.raises(CryptoError):
        unwrap_key(bytes(32), "ds-1", wrapped)


def test_sealing_fields_encrypts_only_the_personal_ones() -> None:
    key = DataKey(new_data_key(), 1)
    data = {"name": "张三", "phone": None, "organisation": "应急局"}
    sealed = key.seal_fields("r", data, ("name", "phone", "id_number"), "data.")
    assert is_token(sealed["name"])
    assert sealed["phone"] is None
    assert sealed["organisation"] == "应急局"
    assert "id_number" not in sealed
    assert key.open_fields("r", sealed, ("name", "phone"), "data.") == data


def test_blind_index_is_deterministic_per_key() -> None:
    key = new_data_key()
    index = blind_index(key, "44030519900101123X")
    assert index == blind_index(key, "44030519900101123X")
    assert index.startswith("hmac:")
    assert "4403" not in index
    assert index != blind_index(key, "440305199001011234")
    assert index != blind_index(new_data_key(), "44030519900101123X")


def test_master_keys_are_base64_of_32_bytes() -> None:
    assert parse_master_key(base64.b64encode(MASTER).decode()) == MASTER
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(ValueError, match="master key"):
            parse_master_key(bad)
