"""GB/T 35965.1-2018 identifiers: build, parse, round-trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.alerts.identifiers import BEIJING, GbIdentifier, parse_identifier
from lifeline.kernel.errors import InvalidInput


def test_identifier_is_31_characters_in_beijing_time() -> None:
    ident = GbIdentifier(
        region_code="440300",
        organisation_code="416",
        entered_at=datetime(2026, 7, 1, 1, 30, 5, tzinfo=UTC),
        sequence=2,
    )
    text = str(ident)
    assert text == "44030041600000_20260701093005_2"
    assert len(text) == 31
    assert ident.issuer_code == "44030041600000"


def test_parse_reads_every_part() -> None:
    ident = parse_identifier("44030441612301_20261122083000_9")
    assert ident.region_code == "440304"
    assert ident.organisation_code == "416"
    assert ident.sub_unit == "123"
    assert ident.extension == "01"
    assert ident.sequence == 9
    assert ident.entered_at == datetime(2026, 11, 22, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "4403004160000_20260701093005_2",  # 13-digit issuer code
        "44030041600000_20260701093005_10",  # two-digit sequence
        "44030041600000-20260701093005-2",
        "44030041600000_20261301093005_2",  # month 13
        "KSTO1055887203",
    ],
)
def test_parse_refuses_other_forms(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_identifier(text)
    assert err.value.problems[0].field == "identifier"


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("region_code", {"region_code": "4403"}),
        ("organisation_code", {"organisation_code": "41a"}),
        ("sequence", {"sequence": 10}),
        ("sub_unit", {"sub_unit": "1"}),
    ],
)
def test_builder_checks_its_parts(field: str, kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {
        "region_code": "440300",
        "organisation_code": "416",
        "entered_at": datetime(2026, 7, 1, tzinfo=UTC),
    }
    with pytest.raises(InvalidInput) as err:
        GbIdentifier(**(base | kwargs))  # type: ignore[arg-type]
    assert err.value.problems[0].field == field


@given(
    region=st.from_regex(r"\d{6}", fullmatch=True),
    org=st.from_regex(r"\d{3}", fullmatch=True),
    sub=st.from_regex(r"\d{3}", fullmatch=True),
    ext=st.from_regex(r"\d{2}", fullmatch=True),
    seconds=st.integers(min_value=0, max_value=60 * 60 * 24 * 365 * 50),
    seq=st.integers(min_value=0, max_value=9),
)
def test_build_then_parse_is_identity(
    region: str, org: str, sub: str, ext: str, seconds: int, seq: int
) -> None:
    entered = datetime(2000, 1, 1, tzinfo=BEIJING) + timedelta(seconds=seconds)
    ident = GbIdentifier(region, org, entered, seq, sub, ext)
    back = parse_identifier(str(ident))
    assert back == ident
    assert str(back) == str(ident)
