"""Warning colours (China's four levels) ⇄ CAP severity; local scales kept as data.

National levels, most to least serious: red (I) → orange (II) → yellow (III) → blue (IV). CAP
has no colour, so a message carries its CAP ``severity`` *and* the native colour in a
``parameter`` named :data:`COLOUR_PARAMETER`; local scales (Shenzhen's five typhoon signals)
add the native signal in :data:`SIGNAL_PARAMETER`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lifeline.alerts.cap.model import CapInfo, CapSeverity, NamedValue
from lifeline.kernel.errors import InvalidInput

COLOUR_PARAMETER = "warningColour"
SIGNAL_PARAMETER = "localSignal"


class Colour(StrEnum):
    BLUE = "blue"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"

    @property
    def rank(self) -> int:
        """1 (blue) … 4 (red): higher is more serious."""
        return _RANK[self]

    @property
    def needs_second_approver(self) -> bool:
        """Orange and red must be approved by a second, different person."""
        return self.rank >= Colour.ORANGE.rank

    @property
    def zh(self) -> str:
        return _ZH[self]


_RANK = {Colour.BLUE: 1, Colour.YELLOW: 2, Colour.ORANGE: 3, Colour.RED: 4}
_ZH = {Colour.BLUE: "蓝色", Colour.YELLOW: "黄色", Colour.ORANGE: "橙色", Colour.RED: "红色"}
_TO_SEVERITY = {
    Colour.BLUE: CapSeverity.MINOR,
    Colour.YELLOW: CapSeverity.MODERATE,
    Colour.ORANGE: CapSeverity.SEVERE,
    Colour.RED: CapSeverity.EXTREME,
}
_FROM_SEVERITY = {v: k for k, v in _TO_SEVERITY.items()}


def severity_of(colour: Colour) -> CapSeverity:
    """blue → Minor, yellow → Moderate, orange → Severe, red → Extreme."""
    return _TO_SEVERITY[colour]


def colour_parameters(colour: Colour, signal: str | None = None) -> tuple[NamedValue, ...]:
    """The ``parameter`` entries that keep the native colour (and local signal, if any)."""
    params = [NamedValue(COLOUR_PARAMETER, colour.value)]
    if signal is not None:
        params.append(NamedValue(SIGNAL_PARAMETER, signal))
    return tuple(params)


def colour_of(info: CapInfo) -> Colour | None:
    """The native colour if the message kept one, else the colour its severity maps to."""
    native = info.parameter(COLOUR_PARAMETER)
    if native is not None:
        try:
            return Colour(native.lower())
        except ValueError:
            raise InvalidInput(
                f"parameter.{COLOUR_PARAMETER}", f"{native!r} is no colour"
            ) from None
    return _FROM_SEVERITY.get(info.severity)


@dataclass(frozen=True, slots=True)
class LocalScale:
    """A local signal scale mapped onto the national colours, e.g. Shenzhen typhoon signals."""

    name: str
    signals: tuple[tuple[str, Colour], ...]  # native signal → national colour, least serious first

    def colour(self, signal: str) -> Colour:
        for native, colour in self.signals:
            if native == signal:
                return colour
        known = [s for s, _ in self.signals]
        raise InvalidInput("signal", f"{signal!r} is not a {self.name} signal; known: {known}")


SHENZHEN_TYPHOON = LocalScale(
    name="shenzhen-typhoon",
    # White (typhoon may affect Shenzhen within 48 h) has no national colour; it is announced
    # at the lowest one.
    signals=(
        ("white", Colour.BLUE),
        ("blue", Colour.BLUE),
        ("yellow", Colour.YELLOW),
        ("orange", Colour.ORANGE),
        ("red", Colour.RED),
    ),
)
