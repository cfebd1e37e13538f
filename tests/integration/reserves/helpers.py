"""A city with two districts and a park, and depot helpers, for reserves tests.

::

    Shenzhen (city)
    ├── Futian (district)
    │   └── Chegongmiao park
    └── Luohu (district)
"""

from __future__ import annotations

from dataclasses import dataclass

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.geo import Point
from lifeline.reserves.messages import CreateDepot, ReceiveStock
from lifeline.reserves.model import Depot, DepotLevel, Lot
from tests.integration.security.world import register_tree


@dataclass
class Orgs:
    city: str
    futian: str
    luohu: str
    park: str


def make_orgs(platform: Platform) -> Orgs:
    tree = register_tree(platform)
    return Orgs(
        city=tree["city"].id,
        futian=tree["district"].id,
        luohu=tree["sibling"].id,
        park=tree["park"].id,
    )


def depot(
    platform: Platform,
    organisation_id: str,
    name: str,
    lon: float = 114.055,
    lat: float = 22.541,
    level: DepotLevel = DepotLevel.DISTRICT,
    capacity_volume_m3: float = 5_000.0,
    capacity_weight_kg: float = 1_000_000.0,
) -> Depot:
    made: Depot = platform.bus.handle(
        CreateDepot(
            name=name,
            organisation_id=organisation_id,
            level=level,
            location=Point(lon, lat),
            capacity_volume_m3=capacity_volume_m3,
            capacity_weight_kg=capacity_weight_kg,
            operator="test operator",
        ),
        SYSTEM_ACTOR,
    )
    return made


def receive(platform: Platform, depot_id: str, code: str, quantity: float) -> Lot:
    lot: Lot = platform.bus.handle(
        ReceiveStock(depot_id=depot_id, material_code=code, quantity=quantity), SYSTEM_ACTOR
    )
    return lot
