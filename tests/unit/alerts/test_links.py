"""Signed unsubscribe links: round trip, tampering, other keys, malformed tokens."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.alerts.links import LinkSigner
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.ids import new_id

SIGNER = LinkSigner(b"k" * 32, "https://warnings.example.gov/")


def test_a_token_names_its_subscription_and_the_link_is_absolute() -> None:
    sub_id = new_id()
    url = SIGNER.unsubscribe_url(sub_id)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://warnings.example.gov/public/unsubscribe"
    )
    token = parse_qs(parts.query)["token"][0]
    assert SIGNER.verify(token) == sub_id
    assert len(token) == len(sub_id) + 1 + 43


def test_another_key_or_another_id_does_not_verify() -> None:
    sub_id = new_id()
    token = SIGNER.token(sub_id)
    with pytest.raises(InvalidInput) as other_key:
        LinkSigner(b"x" * 32, "http://h").verify(token)
    assert other_key.value.problems[0].field == "token"
    assert "signature" in other_key.value.problems[0].reason
    mac = token.split(".")[1]
    with pytest.raises(InvalidInput):
        SIGNER.verify(f"{new_id()}.{mac}")  # a valid MAC moved to another subscription


@given(position=st.integers(min_value=0, max_value=79), char=st.sampled_from("AbZ09-_"))
def test_changing_any_character_breaks_the_token(position: int, char: str) -> None:
    token = SIGNER.token("0190a000-0000-7000-8000-000000000001")
    position %= len(token)
    if token[position] == char or token[position] == ".":
        return
    tampered = token[:position] + char + token[position + 1 :]
    with pytest.raises(InvalidInput):
        SIGNER.verify(tampered)


@pytest.mark.parametrize("bad", ["", ".", "abc", "abc.def", "a b.c", "x" * 70, "../..", "é.é"])
def test_malformed_tokens_are_refused_with_the_field(bad: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        SIGNER.verify(bad)
    assert refused.value.problems[0].field == "token"


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        LinkSigner(b"short", "http://h")
