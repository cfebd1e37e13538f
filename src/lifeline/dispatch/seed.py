"""Demo units at the demo city's fire, police and hospital stations (and three more fire stations
so that coverage and move-up have something to show)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lifeline.dispatch.messages import RegisterUnit
from lifeline.dispatch.model import Unit, UnitType
from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.geo import Point
from lifeline.registry.model import DepartmentType, Facility, FacilityKind, RegisterFacility
from lifeline.registry.seed import DemoCity

T = UnitType

# extra fire stations (demo data: illustrative names and locations)
EXTRA_FIRE_STATIONS = (
    ("罗湖消防救援站", "Luohu Fire and Rescue Station", 114.131, 22.548),
    ("宝安消防救援站", "Bao'an Fire and Rescue Station", 113.884, 22.555),
    ("龙岗消防救援站", "Longgang Fire and Rescue Station", 114.247, 22.720),
)

# station (English name) → (call-sign prefix, [(unit type, count, capabilities)])
FLEET: dict[str, tuple[str, list[tuple[UnitType, int, tuple[str, ...]]]]] = {
    "Futian Fire and Rescue Station": ("福田", [
        (T.ENGINE, 3, ("pump", "foam")), (T.LADDER, 1, ("aerial-53m",)),
        (T.HAZMAT, 1, ("chemical-suits", "detection")), (T.DRONE, 1, ("thermal-camera",)),
    ]),
    "Nanshan Fire and Rescue Station": ("南山", [
        (T.ENGINE, 2, ("pump", "foam")), (T.LADDER, 1, ("aerial-32m",)),
        (T.RESCUE_TEAM, 1, ("rope", "collapse")),
    ]),
    "Pinghu Fire and Rescue Station": ("平湖", [
        (T.ENGINE, 2, ("pump", "foam")), (T.HAZMAT, 1, ("chemical-suits",)),
        (T.ROBOT, 1, ("water-cannon",)), (T.DRONE, 1, ("thermal-camera",)),
    ]),
    "Luohu Fire and Rescue Station": ("罗湖", [(T.ENGINE, 2, ("pump",))]),
    "Bao'an Fire and Rescue Station": ("宝安", [(T.ENGINE, 1, ("pump",))]),
    "Longgang Fire and Rescue Station": ("龙岗", [
        (T.ENGINE, 2, ("pump", "foam")), (T.LADDER, 1, ("aerial-32m",)),
    ]),
    "Futian Police Station": ("福田警", [(T.POLICE_CAR, 3, ())]),
    "Nantou Police Station": ("南头警", [(T.POLICE_CAR, 2, ())]),
    "Peking University Shenzhen Hospital": ("北大深医", [(T.AMBULANCE, 3, ("ALS",))]),
    "Shenzhen People's Hospital": ("市人医", [(T.AMBULANCE, 3, ("ALS",))]),
    "Nanshan District People's Hospital": ("南山医", [(T.AMBULANCE, 2, ("BLS",))]),
    "Longgang District People's Hospital": ("龙岗医", [(T.AMBULANCE, 2, ("BLS",))]),
}  # fmt: skip


@dataclass
class DispatchDemo:
    units: list[Unit] = field(default_factory=list)
    stations: dict[str, str] = field(default_factory=dict)  # English name → facility id

    def count(self, unit_type: UnitType) -> int:
        return sum(1 for u in self.units if u.unit_type is unit_type)


def seed_dispatch(bus: MessageBus, city: DemoCity, actor: Actor = SYSTEM_ACTOR) -> DispatchDemo:
    """Register the extra fire stations and every unit of :data:`FLEET` through ``bus``."""
    demo = DispatchDemo()
    fire = city.departments[DepartmentType.FIRE]
    for name, name_en, lon, lat in EXTRA_FIRE_STATIONS:
        station: Facility = bus.handle(
            RegisterFacility(
                name=name, kind=FacilityKind.FIRE_STATION, location=Point(lon, lat),
                organisation_id=fire, capacity=6, attributes={"name_en": name_en},
            ),
            actor,
        )  # fmt: skip
        demo.stations[name_en] = station.id
    for name_en, (prefix, fleet) in FLEET.items():
        station_id = demo.stations.get(name_en) or city.facilities[name_en]
        demo.stations[name_en] = station_id
        for unit_type, count, capabilities in fleet:
            for n in range(1, count + 1):
                call_sign = f"{prefix}-{unit_type.value}-{n}"
                command = RegisterUnit(
                    call_sign=call_sign,
                    unit_type=unit_type,
                    station_id=station_id,
                    capabilities=capabilities,
                )
                demo.units.append(bus.handle(command, actor))
    return demo
