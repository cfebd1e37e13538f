"""OpenStreetMap tags → drivable or not, speed (km/h) and direction of travel.

Pure rules over a way's tags, used by the ``.osm.pbf`` loader:

- a way is drivable when ``highway`` is a road class in :data:`SPEED_KMH` and it is not an
  area (``area=yes``);
- its speed is ``maxspeed`` when that parses (``50``, ``30 mph``, ``RU:urban``-style zone codes
  read from :data:`ZONE_SPEED_KMH``), else the class default — free-flow legal speeds, the
  same for every vehicle;
- direction: ``oneway=yes|true|1`` forward only, ``oneway=-1|reverse`` backward only,
  ``oneway=no`` both ways; otherwise roundabouts (``junction=roundabout|circular``) and
  motorways are one-way forward, everything else two-way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

SPEED_KMH: Mapping[str, float] = {
    "motorway": 100.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 50.0,
    "primary": 60.0,
    "primary_link": 40.0,
    "secondary": 50.0,
    "secondary_link": 35.0,
    "tertiary": 40.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 15.0,
    "road": 30.0,
}
"""Default free-flow speed by ``highway`` class (km/h); classes not listed are not drivable."""

ZONE_SPEED_KMH: Mapping[str, float] = {
    "urban": 50.0,
    "rural": 80.0,
    "motorway": 120.0,
    "trunk": 100.0,
    "living_street": 20.0,
    "walk": 7.0,
    "zone30": 30.0,
    "zone:30": 30.0,
}
"""Speed of implicit ``maxspeed`` values such as ``FI:urban`` or ``DE:zone30`` (km/h)."""

MPH_KMH = 1.609344
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")


class Direction(StrEnum):
    BOTH = "both"
    FORWARD = "forward"
    BACKWARD = "backward"


def is_drivable(tags: Mapping[str, str]) -> bool:
    return tags.get("highway", "") in SPEED_KMH and tags.get("area") != "yes"


def parse_maxspeed(value: str | None) -> float | None:
    """A ``maxspeed`` tag in km/h, or ``None`` when absent or unreadable (``none``, ``signals``)."""
    if not value:
        return None
    value = value.split(";")[0].strip().lower()
    match = _NUMBER.match(value)
    if match:
        speed = float(match.group(1)) * (MPH_KMH if match.group(2) == "mph" else 1.0)
        return speed if speed > 0 else None
    if ":" in value:
        return ZONE_SPEED_KMH.get(value.split(":", 1)[1])
    return ZONE_SPEED_KMH.get(value)


def speed_kmh(tags: Mapping[str, str]) -> float:
    """``maxspeed`` when readable, else the road class's default (the way must be drivable)."""
    return parse_maxspeed(tags.get("maxspeed")) or SPEED_KMH[tags["highway"]]


def direction(tags: Mapping[str, str]) -> Direction:
    oneway = tags.get("oneway", "").strip().lower()
    if oneway in ("yes", "true", "1"):
        return Direction.FORWARD
    if oneway in ("-1", "reverse"):
        return Direction.BACKWARD
    if oneway == "no":
        return Direction.BOTH
    if tags.get("junction") in ("roundabout", "circular") or tags.get("highway") == "motorway":
        return Direction.FORWARD
    return Direction.BOTH
