"""Cleaning of text values: whitespace, full-width characters, phone numbers, resident IDs.

All functions are pure and idempotent: ``f(f(x)) == f(x)``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PHONE_JUNK = re.compile(r"[\s\-().]")
# GB 11643-1999: weights 2^(17-i) mod 11 for the 17 body digits; check = (12 - sum mod 11) mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def clean_text(value: str) -> str:
    """NFKC-fold (full-width → half-width, e.g. ``ＡＢＣ１２３`` → ``ABC123``; the ideographic
    space becomes a space), then collapse runs of whitespace and strip the ends."""
    if value.isascii() and value.isprintable() and "  " not in value:
        return value.strip()  # printable ASCII is NFKC-stable and its only whitespace is " "
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def clean_phone(value: str) -> str | None:
    """Digits of a phone number with China's ``+86``/``0086`` prefix removed; None if not one.

    Keeps a leading ``+`` for other countries' numbers. Accepts 5–15 digits (E.164 maximum).
    """
    text = _PHONE_JUNK.sub("", clean_text(value))
    for prefix in ("+86", "0086"):
        if text.startswith(prefix) and len(text) - len(prefix) >= 11:
            text = text[len(prefix) :]
    digits = text.removeprefix("+")
    if not digits.isdigit() or not 5 <= len(digits) <= 15:
        return None
    return text


def id_check_digit(body: str) -> str:
    """The GB 11643 check character of the first 17 digits of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def clean_id_number(value: str) -> str | None:
    """An 18-character resident ID with a valid GB 11643 check character (``x`` → ``X``),
    or None when the format or checksum is wrong."""
    text = clean_text(value).replace(" ", "").upper()
    if len(text) != 18 or not text[:17].isdigit():
        return None
    return text if id_check_digit(text[:17]) == text[17] else None
