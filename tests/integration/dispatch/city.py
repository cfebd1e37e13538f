"""A small dispatch world: the security test tree, stations in Futian, incidents by events.

Stations lie on a north–south line along lon 114.05 (Futian); an incident is opened, graded and
given a run card by recording the incidents' and plans' contract events and draining the relay,
exactly as those contexts will publish them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lifeline.bootstrap import Platform
from lifeline.dispatch.messages import RegisterUnit
from lifeline.dispatch.model import Unit, UnitType
from lifeline.incidents.events import IncidentGraded, IncidentOpened, IncidentStatusChanged
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.geo import Point
from lifeline.kernel.ids import new_id
from lifeline.plans.events import PlanActivated, RequiredMaterial, RequiredUnits
from lifeline.registry.model import Facility, FacilityKind, RegisterFacility

LON = 114.05


@dataclass
class City:
    platform: Platform
    org: str  # the district that owns the stations and incidents
    stations: dict[str, Facility] = field(default_factory=dict)

    def station(
        self, name: str, lat: float, kind: FacilityKind = FacilityKind.FIRE_STATION
    ) -> Facility:
        made: Facility = self.platform.bus.handle(
            RegisterFacility(
                name=name, kind=kind, location=Point(LON, lat), organisation_id=self.org
            ),
            SYSTEM_ACTOR,
        )
        self.stations[name] = made
        return made

    def unit(self, call_sign: str, unit_type: UnitType, station: str) -> Unit:
        made: Unit = self.platform.bus.handle(
            RegisterUnit(
                call_sign=call_sign, unit_type=unit_type, station_id=self.stations[station].id
            ),
            SYSTEM_ACTOR,
        )
        return made

    def incident(
        self,
        lat: float,
        *,
        grade: str | None = None,
        units: dict[str, int] | None = None,
        materials: dict[str, float] | None = None,
        title: str = "仓库火灾",
        lon: float = LON,
    ) -> str:
        incident_id = new_id()
        events: list[object] = [
            IncidentOpened(
                aggregate_id=incident_id, organisation_id=self.org, title=title,
                category="accident", incident_type="fire", source="call", lon=lon, lat=lat,
            )
        ]  # fmt: skip
        if grade is not None:
            events.append(
                IncidentGraded(
                    aggregate_id=incident_id, organisation_id=self.org, grade=grade,
                    previous_grade=None, reason="test", overridden=False, category="accident",
                    incident_type="fire", lon=lon, lat=lat,
                )
            )  # fmt: skip
        if units or materials:
            events.append(
                PlanActivated(
                    aggregate_id=new_id(), organisation_id=self.org, plan_id=new_id(),
                    plan_code="warehouse-fire", plan_version=1, incident_id=incident_id,
                    level="II", automatic=True,
                    required_units=tuple(
                        RequiredUnits(unit_type=t, count=c) for t, c in (units or {}).items()
                    ),
                    required_materials=tuple(
                        RequiredMaterial(material_code=k, quantity=q)
                        for k, q in (materials or {}).items()
                    ),
                )
            )  # fmt: skip
        self.publish(*events)
        return incident_id

    def close(self, incident_id: str) -> None:
        self.publish(
            IncidentStatusChanged(
                aggregate_id=incident_id, organisation_id=self.org, status="closed",
                previous_status="responding",
            )
        )  # fmt: skip

    def publish(self, *events: object) -> None:
        with self.platform.uow() as uow:
            uow.record(*events)  # type: ignore[arg-type]
            uow.commit()
        self.platform.relay.drain()
