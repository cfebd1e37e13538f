"""Demo incidents: a warehouse fire in the e-commerce park called in twice (merged), a road
accident in Futian, waterlogging in Luohu reported by a citizen, and one exercise."""

from __future__ import annotations

from dataclasses import dataclass

from lifeline.incidents.messages import PUBLIC_REPORT, ReceiveCall, ReceivePublicReport
from lifeline.incidents.model import Facts, Reporter
from lifeline.incidents.service import IntakeResult
from lifeline.kernel.access import SYSTEM_ACTOR, Actor, ActorKind
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.geo import Point
from lifeline.registry.seed import PARK_CENTRE, DemoCity, shenzhen_districts

DEMO_CITIZEN = Actor(
    id="anonymous",
    kind=ActorKind.PUBLIC,
    organisation_id=None,
    permissions=frozenset({PUBLIC_REPORT}),
    scope_paths=("/",),
    name="the public",
)


@dataclass(frozen=True)
class DemoIncidents:
    warehouse_fire: str
    road_accident: str
    waterlogging: str
    reports: int


def _near(p: Point, east_deg: float = 0.0, north_deg: float = 0.0) -> Point:
    return Point(round(p.lon + east_deg, 6), round(p.lat + north_deg, 6))


def seed_incidents(bus: MessageBus, city: DemoCity, actor: Actor = SYSTEM_ACTOR) -> DemoIncidents:
    """Enter the demo calls and the citizen's report through the bus (every step an event)."""
    centroids = {d.name_en: d.centroid for d in shenzhen_districts()}
    fire: IntakeResult = bus.handle(
        ReceiveCall(
            incident_type="accident.fire.warehouse",
            location=_near(PARK_CENTRE, 0.001),
            reporter=Reporter("陈工", "13800138001"),
            description="仓库3号楼冒出浓烟 / thick smoke from warehouse 3",
            facts=Facts(serious_injuries=2),
            title="平湖电商物流园仓库火灾 Warehouse fire, Pinghu e-commerce park",
        ),
        actor,
    )
    bus.handle(
        ReceiveCall(
            incident_type="accident.fire",
            location=_near(PARK_CENTRE, 0.0015, 0.0005),
            reporter=Reporter("刘女士", "13800138002"),
            description="看到园区有火光 / flames seen in the park",
        ),
        actor,
    )
    road: IntakeResult = bus.handle(
        ReceiveCall(
            incident_type="accident.traffic.road",
            location=centroids["Futian"],
            reporter=Reporter("王先生", "13800138003"),
            description="三车追尾，一人受伤 / three-car pile-up, one injured",
            facts=Facts(minor_injuries=1),
        ),
        actor,
    )
    water: IntakeResult = bus.handle(
        ReceivePublicReport(
            incident_type="natural.flood.rainstorm",
            location=centroids["Luohu"],
            reporter=Reporter("市民", "13900139000"),
            description="地下通道积水约半米 / underpass flooded about half a metre deep",
            client_ip="203.0.113.7",
        ),
        DEMO_CITIZEN,
    )
    bus.handle(
        ReceiveCall(
            incident_type="accident.hazmat.leak",
            location=_near(PARK_CENTRE, -0.002, -0.001),
            description="演练：危化品泄漏 / exercise: chemical leak",
            exercise=True,
        ),
        actor,
    )
    return DemoIncidents(
        warehouse_fire=fire.incident.id,
        road_accident=road.incident.id,
        waterlogging=water.incident.id,
        reports=5,
    )
