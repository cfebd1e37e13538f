"""Warning colours ⇄ CAP severity, with the native colour kept in a parameter."""

from __future__ import annotations

import dataclasses

import pytest

from lifeline.alerts.cap.model import (
    CapCategory,
    CapCertainty,
    CapInfo,
    CapSeverity,
    CapUrgency,
    NamedValue,
)
from lifeline.alerts.levels import (
    COLOUR_PARAMETER,
    SHENZHEN_TYPHOON,
    Colour,
    colour_of,
    colour_parameters,
    severity_of,
)
from lifeline.kernel.errors import InvalidInput

INFO = CapInfo(
    categories=(CapCategory.MET,),
    event="暴雨",
    urgency=CapUrgency.EXPECTED,
    severity=CapSeverity.UNKNOWN,
    certainty=CapCertainty.LIKELY,
)


@pytest.mark.parametrize(
    ("colour", "severity"),
    [
        (Colour.BLUE, CapSeverity.MINOR),
        (Colour.YELLOW, CapSeverity.MODERATE),
        (Colour.ORANGE, CapSeverity.SEVERE),
        (Colour.RED, CapSeverity.EXTREME),
    ],
)
def test_colour_maps_to_severity_and_back(colour: Colour, severity: CapSeverity) -> None:
    assert severity_of(colour) is severity
    info = dataclasses.replace(INFO, severity=severity)
    assert colour_of(info) is colour
    kept = dataclasses.replace(info, parameters=colour_parameters(colour))
    assert kept.parameter(COLOUR_PARAMETER) == colour.value
    assert colour_of(kept) is colour


def test_severity_order_follows_colour_rank() -> None:
    ranked = sorted(Colour, key=lambda c: c.rank)
    assert ranked == [Colour.BLUE, Colour.YELLOW, Colour.ORANGE, Colour.RED]
    assert [c.needs_second_approver for c in ranked] == [False, False, True, True]


def test_native_colour_wins_over_severity() -> None:
    info = dataclasses.replace(
        INFO, severity=CapSeverity.MINOR, parameters=(NamedValue(COLOUR_PARAMETER, "Orange"),)
    )
    assert colour_of(info) is Colour.ORANGE


def test_unknown_severity_has_no_colour_and_bad_native_colour_is_refused() -> None:
    assert colour_of(INFO) is None
    bad = dataclasses.replace(INFO, parameters=(NamedValue(COLOUR_PARAMETER, "purple"),))
    with pytest.raises(InvalidInput):
        colour_of(bad)


def test_shenzhen_typhoon_signals_map_onto_national_colours() -> None:
    assert [SHENZHEN_TYPHOON.colour(s) for s in ("white", "blue", "yellow", "orange", "red")] == [
        Colour.BLUE,
        Colour.BLUE,
        Colour.YELLOW,
        Colour.ORANGE,
        Colour.RED,
    ]
    params = colour_parameters(Colour.RED, "red")
    assert [p.value_name for p in params] == [COLOUR_PARAMETER, "localSignal"]
    with pytest.raises(InvalidInput):
        SHENZHEN_TYPHOON.colour("black")
