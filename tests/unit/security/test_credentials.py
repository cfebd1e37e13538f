"""Passwords, API keys, tokens and masking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.errors import Unauthenticated
from lifeline.security import passwords
from lifeline.security.masking import mask_name, mask_phone
from lifeline.security.tokens import TokenCodec

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
SECRET = "s" * 40


def test_password_hash_verifies_only_the_right_password() -> None:
    digest = passwords.hash_password("correct horse 9")
    assert digest.startswith("$argon2id$")
    assert passwords.verify_password(digest, "correct horse 9")
    assert not passwords.verify_password(digest, "correct horse 8")
    assert not passwords.verify_password(None, "correct horse 9")
    assert not passwords.verify_password("garbage", "x")


@pytest.mark.parametrize(
    ("pw", "ok"),
    [("short1", False), ("onlyletters", False), ("1234567890", False), ("duty-2026-ok", True)],
)
def test_weak_passwords_are_named(pw: str, ok: bool) -> None:
    assert (passwords.password_problem(pw) is None) is ok


def test_api_keys_are_prefixed_hashed_and_checked() -> None:
    key, prefix, digest = passwords.new_api_key()
    assert passwords.split_api_key(key) == prefix
    assert passwords.api_key_matches(key, digest)
    assert not passwords.api_key_matches(key + "x", digest)
    assert passwords.split_api_key("ll_short_x") is None
    assert passwords.split_api_key("nope") is None


def test_token_round_trip_and_expiry_by_the_injected_clock() -> None:
    clock = VirtualClock(T0)
    codec = TokenCodec(secret=SECRET, ttl_s=900, clock=clock)
    token, claims = codec.issue("user-1")
    assert codec.decode(token).subject == "user-1"
    assert claims.expires_at == T0 + timedelta(seconds=900)
    clock.advance(timedelta(seconds=900))
    with pytest.raises(Unauthenticated, match="expired"):
        codec.decode(token)


def test_tokens_signed_with_another_key_or_algorithm_are_refused() -> None:
    codec = TokenCodec(secret=SECRET, ttl_s=900, clock=VirtualClock(T0))
    other = TokenCodec(secret="o" * 40, ttl_s=900, clock=VirtualClock(T0))
    token, _ = other.issue("user-1")
    with pytest.raises(Unauthenticated):
        codec.decode(token)
    unsigned = jwt.encode({"sub": "x", "iss": "lifeline"}, key="", algorithm="none")
    with pytest.raises(Unauthenticated):
        codec.decode(unsigned)
    with pytest.raises(Unauthenticated):
        codec.decode("not.a.token")


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="32"):
        TokenCodec(secret="short", ttl_s=60, clock=VirtualClock(T0))


def test_masking() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0755-88889999") == "075******9999"
    assert mask_phone("12345") == "***45"
    assert mask_phone(None) is None
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
