"""Cleaning: full-width folding, whitespace, phones and GB 11643 resident ID checksums."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lifeline.sharing.cleaning import clean_id_number, clean_phone, clean_text, id_check_digit


def test_full_width_and_whitespace_fold_to_half_width() -> None:
    assert clean_text("  ＡＢＣ１２３　 深圳\t市  ") == "ABC123 深圳 市"


@given(st.text())
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert once == once.strip()


@given(st.text(alphabet="0123456789+-() （）", max_size=25))
def test_clean_phone_is_idempotent_and_digits_only(text: str) -> None:
    cleaned = clean_phone(text)
    if cleaned is not None:
        assert clean_phone(cleaned) == cleaned
        assert cleaned.removeprefix("+").isdigit()


def test_phone_prefixes_and_rejects() -> None:
    assert clean_phone("+86 138-1234-5678") == "13812345678"
    assert clean_phone("0086 13812345678") == "13812345678"
    assert clean_phone("+1 (415) 555-0100") == "+14155550100"
    assert clean_phone("call me") is None
    assert clean_phone("123") is None


def test_known_id_numbers() -> None:
    # GB 11643 worked example: 11010519491231002 → check character X
    assert id_check_digit("11010519491231002") == "X"
    assert clean_id_number("11010519491231002x") == "11010519491231002X"
    assert clean_id_number("110105194912310021") is None
    assert clean_id_number("４４０３０５１９８５０６０７００１１") == "440305198506070011"
    assert clean_id_number("12345") is None


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_exactly_one_check_character_is_valid(body: str) -> None:
    valid = [c for c in "0123456789X" if clean_id_number(body + c) is not None]
    assert valid == [id_check_digit(body)]
