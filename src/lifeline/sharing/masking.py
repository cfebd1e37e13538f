"""Masking of canonical personal fields by field type (pure; reuses ``security.masking``).

ID numbers keep the 6-digit region code and the last 4 characters (``440305********1234``),
phones the first 3 and last 4 digits, names the first character, points are coarsened to
0.01° (about 1.1 km), dates of birth generalised to the year.
"""

from __future__ import annotations

from typing import Any

from lifeline.security.masking import mask_name, mask_phone
from lifeline.sharing.standard import FieldType, RecordSpec

POINT_DECIMALS = 2


def mask_id_number(value: str) -> str:
    """``440305199001011234`` → ``440305********1234``."""
    text = value.strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_value(kind: FieldType, value: Any) -> Any:
    """The masked form of one personal value of type ``kind``."""
    if value is None:
        return None
    match kind:
        case FieldType.ID_NUMBER:
            return mask_id_number(str(value))
        case FieldType.PHONE:
            return mask_phone(str(value))
        case FieldType.POINT:
            return {k: round(float(v), POINT_DECIMALS) for k, v in dict(value).items()}
        case FieldType.DATE | FieldType.DATETIME:
            return str(value)[:4]
        case _:
            return mask_name(str(value))


def mask_record(
    spec: RecordSpec, data: dict[str, Any], personal: tuple[str, ...]
) -> dict[str, Any]:
    """``data`` with each field named in ``personal`` masked according to its type."""
    out = dict(data)
    for name in personal:
        field = spec.field(name)
        if field is not None and name in out:
            out[name] = mask_value(field.type, out[name])
    return out
