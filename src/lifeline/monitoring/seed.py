"""Demo sensors: fire panels, gas detectors and a substation in the Pinghu e-commerce park, and a
river gauge, a gas pipeline station and a substation in the city, each with its device key; and
the script of the live demo feed (a warehouse fire, a detector going silent, a gas leak)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.geo import Point
from lifeline.monitoring import messages as m
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.model import Datastream, Thing
from lifeline.monitoring.simulator import Ramp, Script, Silence, SimStream
from lifeline.registry.seed import PARK_CENTRE, DemoCity

DEMO_INTERVAL_S = 10.0  # the demo devices report every 10 s, so the story unfolds in minutes

K = SensorKind
# (name, where: "park" or a district, offset east m, offset north m, kinds)
DEVICES: tuple[tuple[str, str, float, float, tuple[SensorKind, ...]], ...] = (
    ("Warehouse A fire panel", "park", -250, 120, (K.SMOKE, K.TEMPERATURE)),
    ("Warehouse B fire panel", "park", -80, 140, (K.SMOKE, K.TEMPERATURE)),
    ("Warehouse C fire panel", "park", 90, 150, (K.SMOKE, K.TEMPERATURE)),
    ("Loading dock CO detector", "park", 200, -40, (K.CO,)),
    ("E-bike charging shed", "park", -150, -160, (K.SMOKE, K.TEMPERATURE, K.CO)),
    ("Canteen gas detector", "park", 30, -120, (K.COMBUSTIBLE_GAS,)),
    ("Park substation", "park", 260, 60, (K.VOLTAGE, K.CURRENT, K.EQUIPMENT_TEMPERATURE)),
    ("Shenzhen River gauge, Luohu", "Luohu", 0, -3000, (K.WATER_LEVEL, K.RAINFALL)),
    ("Gas pipeline station PS-3, Futian", "Futian", 800, 500, (K.PIPELINE_PRESSURE,
                                                               K.COMBUSTIBLE_GAS)),
    ("Nanshan 110 kV substation", "Nanshan", -500, 700, (K.VOLTAGE, K.CURRENT,
                                                         K.EQUIPMENT_TEMPERATURE)),
)  # fmt: skip
FIRE_AT = "Warehouse B fire panel"
SILENT = "Loading dock CO detector"
GAS_LEAK = "Canteen gas detector"

CENTRES = {"Luohu": Point(114.131, 22.555), "Futian": Point(114.055, 22.541),
           "Nanshan": Point(113.930, 22.533)}  # fmt: skip


def _offset(centre: Point, east_m: float, north_m: float) -> Point:
    """A point ``east_m``/``north_m`` metres from ``centre`` (local equirectangular scale)."""

    lat = centre.lat + north_m / 111_320.0
    lon = centre.lon + east_m / (111_320.0 * math.cos(math.radians(centre.lat)))
    return Point(round(lon, 6), round(lat, 6))


@dataclass
class MonitoringDemo:
    things: dict[str, Thing] = field(default_factory=dict)  # name → thing
    streams: list[Datastream] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # thing id → device key

    def sim_streams(self) -> list[SimStream]:
        return [
            SimStream(s.id, s.thing_id, s.kind, s.interval_s, s.min_value, s.max_value)
            for s in self.streams
        ]

    def stream(self, thing: str, kind: SensorKind) -> Datastream:
        thing_id = self.things[thing].id
        return next(s for s in self.streams if s.thing_id == thing_id and s.kind is kind)

    def script(self) -> Script:
        """The live demo's story, in seconds after the feed starts."""
        return Script(
            ramps=(
                Ramp(self.stream(FIRE_AT, K.SMOKE).id, start_s=60, rate_per_s=0.15, peak=30),
                Ramp(self.stream(FIRE_AT, K.TEMPERATURE).id, start_s=75, rate_per_s=0.6, peak=95),
                Ramp(
                    self.stream(GAS_LEAK, K.COMBUSTIBLE_GAS).id,
                    start_s=90,
                    rate_per_s=0.25,
                    peak=45,
                ),
            ),
            silences=(Silence(self.things[SILENT].id, start_s=45),),
        )

    def summary(self) -> str:
        return (
            f"  monitoring · {len(self.things)} devices, {len(self.streams)} datastreams "
            f"(GET /monitoring/Things); live feed: fire in {FIRE_AT.removesuffix(' fire panel')} "
            f"from "
            f"~1 min, {SILENT} silent from ~45 s (GET /monitoring/health), gas rising at the "
            f"canteen from ~1.5 min"
        )


def seed_monitoring(bus: MessageBus, city: DemoCity, actor: Actor = SYSTEM_ACTOR) -> MonitoringDemo:
    """Register the demo devices, their datastreams and keys (returned once, for the feed)."""
    demo = MonitoringDemo()
    for name, where, east_m, north_m, kinds in DEVICES:
        if where == "park":
            org, area, centre = city.park_id, city.areas.get("park"), PARK_CENTRE
        else:
            org, area, centre = city.districts[where], city.areas.get(where), CENTRES[where]
        thing: Thing = bus.handle(
            m.RegisterThing(
                name=name, organisation_id=org, area_id=area,
                location=_offset(centre, east_m, north_m),
                properties={"installed_by": "demo"},
            ),
            actor,
        )  # fmt: skip
        demo.things[name] = thing
        for kind in kinds:
            demo.streams.append(
                bus.handle(
                    m.CreateDatastream(
                        thing_id=thing.id,
                        name=f"{name}: {kind.value}",
                        kind=kind,
                        interval_s=DEMO_INTERVAL_S,
                    ),
                    actor,
                )
            )
        _, key = bus.handle(m.IssueDeviceKey(thing_id=thing.id), actor)
        demo.keys[thing.id] = key
    return demo
