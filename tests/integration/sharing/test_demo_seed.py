"""The demo's data hub: completed runs, a quarantine with real reasons, a masked view."""

from __future__ import annotations

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.registry.seed import seed_city
from lifeline.security.model import SECURITY, Role
from lifeline.security.service import CreateUser
from lifeline.security.service.authentication import actor_for_user
from lifeline.sharing.messages import ListQuarantine, ListRecords
from lifeline.sharing.seed import demo_summary, seed_sharing


def test_demo_seeds_runs_quarantine_and_a_masked_view(platform: Platform) -> None:
    city = seed_city(platform.bus, SYSTEM_ACTOR)
    demo = seed_sharing(platform, city)
    calls = demo.fire_calls_run
    assert (calls.read, calls.accepted, calls.merged, calls.quarantined) == (40, 21, 19, 0)
    roster = demo.contacts_run
    assert (roster.read, roster.accepted, roster.quarantined) == (6, 3, 3)
    assert roster.encoding == "gb18030"

    page = platform.bus.handle(ListQuarantine(dataset_id=demo.contacts.id), SYSTEM_ACTOR)
    reasons = {q.original["工号"]: q.problems for q in page.items}
    assert "GB 11643" in reasons["FT004"]["id_number"]
    assert reasons["FT005"] == {"name": "required"}
    assert set(reasons["FT006"]) == {"phone", "birth_date"}

    user = platform.bus.handle(
        CreateUser(
            username="analyst",
            display_name="Analyst",
            password="analyst-pass-2026",
            organisation_id=city.city_id,
            roles=frozenset({Role.ANALYST}),
        ),
        SYSTEM_ACTOR,
    )
    with platform.uow() as uow:
        stored = uow.repo(SECURITY).get_user(user.id)
        assert stored is not None
        analyst = actor_for_user(uow, stored)
    shared = platform.bus.handle(ListRecords(dataset_id=demo.contacts.id), analyst)
    assert shared.masked is True
    names = sorted(r.data["name"] for r in shared.items)
    assert names == ["林**", "陈**", "黄**"]
    assert all("*" in r.data["id_number"] and "*" in r.data["phone"] for r in shared.items)
    assert "quarantined 3" in demo_summary(platform)
