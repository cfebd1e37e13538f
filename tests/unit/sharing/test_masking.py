"""Masking of personal fields by type."""

from __future__ import annotations

from lifeline.sharing.masking import mask_id_number, mask_record
from lifeline.sharing.standard import STANDARD, RecordType


def test_id_numbers_keep_region_and_last_four() -> None:
    assert mask_id_number("440305199001011234") == "440305********1234"
    assert mask_id_number("12345") == "*****"


def test_mask_record_masks_only_the_named_fields_by_type() -> None:
    spec = STANDARD[RecordType.PERSON]
    data = {
        "name": "张三",
        "id_number": "44030519900101123X",
        "phone": "13812345678",
        "birth_date": "1990-01-01",
        "organisation": "应急管理局",
    }
    masked = mask_record(spec, data, spec.personal_fields)
    assert masked == {
        "name": "张*",
        "id_number": "440305********123X",
        "phone": "138****5678",
        "birth_date": "1990",
        "organisation": "应急管理局",
    }
    team = STANDARD[RecordType.TEAM]
    coarse = mask_record(team, {"location": {"lon": 114.05712, "lat": 22.54321}}, ("location",))
    assert coarse["location"] == {"lon": 114.06, "lat": 22.54}
