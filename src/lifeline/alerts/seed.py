"""Demo alerts: a city-wide typhoon warning and a park evacuation notice, each drafted by one
person, approved by another and published through the bus; before that, a few demo subscribers
and contact phones for two park facilities and the emergency management bureau, so that the
delivery report shows every kind of recipient. Phone numbers are fictional."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from lifeline.alerts.cap.model import CapArea, CapCircle, NamedValue
from lifeline.alerts.levels import Colour
from lifeline.alerts.messages import (
    ApproveAlert,
    DraftAlert,
    PublishAlert,
    SubmitAlert,
    Subscribe,
)
from lifeline.alerts.model import PublicAlert
from lifeline.alerts.outbox import Channel
from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.clock import Clock
from lifeline.kernel.uow import UnitOfWork
from lifeline.registry.model import DepartmentType, UpdateFacility, UpdateOrganisation
from lifeline.registry.seed import DemoCity
from lifeline.security.model import SECURITY
from lifeline.security.service import actor_for_user

# A rough outline of Shenzhen, (lat, lon) as CAP writes it.
SHENZHEN_RING = (
    (22.45, 113.75),
    (22.45, 114.62),
    (22.86, 114.62),
    (22.86, 113.75),
    (22.45, 113.75),
)
PINGHU_PARK = CapCircle(lat=22.688, lon=114.127, radius_km=0.8)


@dataclass(frozen=True, slots=True)
class DemoAlerts:
    typhoon: PublicAlert
    evacuation: PublicAlert


class _Platform(Protocol):
    """The part of ``lifeline.bootstrap.Platform`` this module uses."""

    @property
    def bus(self) -> MessageBus: ...

    @property
    def clock(self) -> Clock: ...

    def uow(self, actor: Actor = ..., *, read_only: bool = False) -> UnitOfWork: ...


def _actor(platform: _Platform, username: str) -> Actor:
    with platform.uow(read_only=True) as uow:
        user = uow.repo(SECURITY).get_user_by_username(username)
        if user is None:
            raise LookupError(f"demo user {username!r} is not seeded")
        return actor_for_user(uow, user)


def _publish(bus: MessageBus, draft: DraftAlert, author: Actor, approver: Actor) -> PublicAlert:
    alert: PublicAlert = bus.handle(draft, author)
    bus.handle(SubmitAlert(alert_id=alert.id), author)
    bus.handle(ApproveAlert(alert_id=alert.id), approver)
    published: PublicAlert = bus.handle(PublishAlert(alert_id=alert.id), approver)
    return published


# (facility English name, fictional contact phone)
DEMO_FACILITY_PHONES = (
    ("Pinghu Logistics Park Shelter", "13800000101"),
    ("Pinghu Cloud Warehouse Chemical Store", "13800000102"),
)
DEMO_BUREAU_PHONE = "13800000100"
# (channel, address, language, lon, lat): in Futian, in the park, in Nanshan
DEMO_SUBSCRIBERS = (
    (Channel.IN_APP, "demo-resident-futian", "zh-CN", 114.055, 22.545),
    (Channel.SMS, "13800000201", "zh-CN", 114.127, 22.687),
    (Channel.SMS, "13800000202", "en", 113.93, 22.53),
)


def seed_recipients(bus: MessageBus, city: DemoCity) -> None:
    """Demo subscribers (with consent) and contact phones for two park facilities and the
    emergency management bureau."""
    for channel, address, language, lon, lat in DEMO_SUBSCRIBERS:
        bus.handle(
            Subscribe(
                channel=channel, address=address, language=language, consent=True, lon=lon, lat=lat
            ),
            SYSTEM_ACTOR,
        )
    for name, phone in DEMO_FACILITY_PHONES:
        facility_id = city.facilities.get(name)
        if facility_id is not None:
            bus.handle(
                UpdateFacility(facility_id=facility_id, contact_name="值班室", contact_phone=phone),
                SYSTEM_ACTOR,
            )
    bureau = city.departments.get(DepartmentType.EMERGENCY_MANAGEMENT)
    if bureau is not None:
        bus.handle(
            UpdateOrganisation(
                organisation_id=bureau, contact_name="总值班室", contact_phone=DEMO_BUREAU_PHONE
            ),
            SYSTEM_ACTOR,
        )


def seed_alerts(platform: _Platform, city: DemoCity) -> DemoAlerts:
    """Publish the demo's two public warnings (needs the demo users ``duty.city``,
    ``park.manager`` and ``commander``)."""
    duty = _actor(platform, "duty.city")
    park_manager = _actor(platform, "park.manager")
    commander = _actor(platform, "commander")
    now = platform.clock.now()
    typhoon = _publish(
        platform.bus,
        DraftAlert(
            organisation_id=city.city_id,
            template_id="typhoon",
            colour=Colour.ORANGE,
            signal="orange",
            areas=(
                CapArea(
                    area_desc="",
                    polygons=(SHENZHEN_RING,),
                    geocodes=(NamedValue("GB/T 2260", "440300"),),
                ),
            ),
            area_names=(("zh-CN", "深圳市"), ("en", "Shenzhen")),
            expires_at=now + timedelta(hours=12),
        ),
        duty,
        commander,
    )
    evacuation = _publish(
        platform.bus,
        DraftAlert(
            organisation_id=city.park_id,
            template_id="evacuation",
            colour=Colour.RED,
            areas=(CapArea(area_desc="", circles=(PINGHU_PARK,)),),
            area_names=(("zh-CN", "平湖电商物流园"), ("en", "Pinghu e-commerce logistics park")),
            expires_at=now + timedelta(hours=6),
        ),
        park_manager,
        commander,
    )
    return DemoAlerts(typhoon=typhoon, evacuation=evacuation)
