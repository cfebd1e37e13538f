"""Alert identifiers in the form of GB/T 35965.1-2018, annex A.1.1.

``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N`` (31 characters):

- ``ZZZZZZ`` 6-digit administrative region code (GB/T 2260), e.g. ``440300`` Shenzhen;
- ``DDD`` 3-digit organisation/industry code (GB/T 4657);
- ``UUU`` 3-digit sub-unit code inside the issuer, default ``000``;
- ``XX`` 2-digit extension, default ``00``;
- ``YYYYMMDDhhmmss`` entry time in Beijing time (UTC+08:00);
- ``N`` one-digit sequence (0–9) among messages of the same issuer and entry second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from lifeline.kernel.errors import InvalidInput

BEIJING = timezone(timedelta(hours=8), "CST")
_FORM = re.compile(r"^(\d{6})(\d{3})(\d{3})(\d{2})_(\d{14})_(\d)$")


@dataclass(frozen=True, slots=True)
class GbIdentifier:
    region_code: str
    organisation_code: str
    entered_at: datetime  # aware; written in Beijing time
    sequence: int = 0
    sub_unit: str = "000"
    extension: str = "00"

    def __post_init__(self) -> None:
        for name, value, width in (
            ("region_code", self.region_code, 6),
            ("organisation_code", self.organisation_code, 3),
            ("sub_unit", self.sub_unit, 3),
            ("extension", self.extension, 2),
        ):
            if len(value) != width or not value.isdigit():
                raise InvalidInput(name, f"must be {width} digits; got {value!r}")
        if not 0 <= self.sequence <= 9:
            raise InvalidInput("sequence", "must be a single digit 0-9")
        if self.entered_at.tzinfo is None:
            raise InvalidInput("entered_at", "must be an aware datetime")

    @property
    def issuer_code(self) -> str:
        """The 14-digit issuing-unit code ``ZZZZZZDDDUUUXX`` (annex A.1.2)."""
        return f"{self.region_code}{self.organisation_code}{self.sub_unit}{self.extension}"

    def __str__(self) -> str:
        stamp = self.entered_at.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
        return f"{self.issuer_code}_{stamp}_{self.sequence}"


def parse_identifier(text: str) -> GbIdentifier:
    """Parse a GB/T 35965.1 identifier; :class:`InvalidInput` (``identifier``) if it is not one."""
    m = _FORM.match(text)
    if m is None:
        raise InvalidInput("identifier", "not of the form ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N")
    region, org, sub, ext, stamp, seq = m.groups()
    try:
        entered = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
    except ValueError:
        raise InvalidInput("identifier", f"{stamp!r} is not a valid entry time") from None
    return GbIdentifier(
        region_code=region,
        organisation_code=org,
        sub_unit=sub,
        extension=ext,
        entered_at=entered,
        sequence=int(seq),
    )
