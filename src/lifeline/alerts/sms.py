"""SMS segmentation (3GPP TS 23.040 / 23.038): how a text splits into billable segments.

A text that fits the GSM 7-bit default alphabet travels as septets: 160 per single message,
153 per part of a concatenated one (7 go to the user-data header); characters of the extension
table (``^{}\\[~]|€``) take two septets. Anything else (Chinese, for one) travels as UCS-2:
70 UTF-16 code units per single message, 67 per concatenated part. Parts never split an
extension escape or a surrogate pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


class SmsEncoding(StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"


SINGLE = {SmsEncoding.GSM7: 160, SmsEncoding.UCS2: 70}
PART = {SmsEncoding.GSM7: 153, SmsEncoding.UCS2: 67}


@dataclass(frozen=True, slots=True)
class Segmented:
    encoding: SmsEncoding
    parts: tuple[str, ...]


def encoding_of(text: str) -> SmsEncoding:
    if all(c in _GSM_BASIC or c in _GSM_EXTENSION for c in text):
        return SmsEncoding.GSM7
    return SmsEncoding.UCS2


def _units(char: str, encoding: SmsEncoding) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) one character takes."""
    if encoding is SmsEncoding.GSM7:
        return 2 if char in _GSM_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def segment(text: str) -> Segmented:
    """Split ``text`` into the parts an SMS gateway would send (one part if it fits)."""
    encoding = encoding_of(text)
    total = sum(_units(c, encoding) for c in text)
    if total <= SINGLE[encoding]:
        return Segmented(encoding, (text,))
    limit = PART[encoding]
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        size = _units(char, encoding)
        if used + size > limit:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += size
    if current:
        parts.append("".join(current))
    return Segmented(encoding, tuple(parts))
