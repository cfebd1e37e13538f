"""JSON text as the bulk writes store it."""

from __future__ import annotations

import json
import math

from lifeline.sharing.bulk import to_json


def test_json_text_is_compact_utf8_and_reads_back_the_same() -> None:
    value = {
        "name": "深圳 Futian",
        "value": 1.234,
        "big": 1e16,
        "small": 1e-7,
        "n": 3,
        "ok": True,
        "none": None,
        "location": {"lon": 114.05, "lat": 22.54},
        "tags": ["a", "b"],
    }
    text = to_json(value)
    assert isinstance(text, str)
    assert '"name":"深圳 Futian"' in text  # no \\u escapes, no spaces after separators
    assert json.loads(text) == value


def test_values_the_fast_encoder_refuses_fall_back_to_the_json_module() -> None:
    assert json.loads(to_json({"id": 2**70})) == {"id": 2**70}
    assert json.loads(to_json({1: "one"})) == {"1": "one"}
    assert to_json({"x": math.nan}) == '{"x":null}'
