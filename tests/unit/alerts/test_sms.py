"""SMS segmentation: 160/153 septets for GSM-7, 70/67 code units for UCS-2 (Chinese)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lifeline.alerts.sms import PART, SINGLE, SmsEncoding, segment


def test_chinese_fits_70_in_one_and_67_per_concatenated_part() -> None:
    assert segment("台" * 70).parts == ("台" * 70,)
    seventy_one = segment("台" * 71)
    assert seventy_one.encoding is SmsEncoding.UCS2
    assert [len(p) for p in seventy_one.parts] == [67, 4]
    assert [len(p) for p in segment("风" * 134).parts] == [67, 67]


def test_gsm_text_fits_160_then_153() -> None:
    assert segment("a" * 160).encoding is SmsEncoding.GSM7
    assert len(segment("a" * 160).parts) == 1
    assert [len(p) for p in segment("a" * 161).parts] == [153, 8]


def test_one_chinese_character_switches_the_whole_text_to_ucs2() -> None:
    text = "Typhoon signal 8 台"
    assert segment(text).encoding is SmsEncoding.UCS2


def test_extension_characters_take_two_septets_and_are_not_split() -> None:
    assert len(segment("€" * 80).parts) == 1  # exactly 160 septets
    parts = segment("€" * 81).parts  # 162 septets; a part holds 153, so 76 euro signs
    assert [len(p) for p in parts] == [76, 5]


def _units(text: str, encoding: SmsEncoding) -> int:
    if encoding is SmsEncoding.UCS2:
        return len(text.encode("utf-16-le")) // 2
    return sum(2 if c in "^{}\\[~]|€\f" else 1 for c in text)


@given(st.text(alphabet=st.sampled_from("台风预警abc €😀"), max_size=400))
def test_parts_rejoin_to_the_text_and_respect_the_limits(text: str) -> None:
    seg = segment(text)
    assert "".join(seg.parts) == text
    if len(seg.parts) == 1:
        assert _units(text, seg.encoding) <= SINGLE[seg.encoding]
    else:
        assert all(_units(p, seg.encoding) <= PART[seg.encoding] for p in seg.parts)
        assert all(p for p in seg.parts)
