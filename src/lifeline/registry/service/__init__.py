"""Registry use cases: one handler per command and query, each authorised and audited.

Every handler loads its target and calls ``ctx.authorize`` with the owning organisation's path
(for a create: the parent's or owner's path); list queries filter by ``ctx.scope_paths`` and log
one decision for the collection. Personal fields are returned unmasked only to callers allowed
``personal.read`` on the record, and each such read is logged with the fields it revealed.
"""

from __future__ import annotations

from lifeline.kernel.bus import MessageBus
from lifeline.registry.model import (
    DefineArea,
    GetArea,
    GetFacility,
    GetOrganisation,
    ImportFacilitiesCsv,
    ImportGeoJson,
    ListAreas,
    ListFacilities,
    ListOrganisations,
    OrganisationTimeline,
    RegisterFacility,
    RegisterOrganisation,
    RemoveArea,
    RemoveFacility,
    RemoveOrganisation,
    UpdateArea,
    UpdateFacility,
    UpdateOrganisation,
)
from lifeline.registry.service.areas import (
    define_area,
    get_area,
    list_areas,
    remove_area,
    update_area,
)
from lifeline.registry.service.facilities import (
    get_facility,
    list_facilities,
    register_facility,
    remove_facility,
    update_facility,
)
from lifeline.registry.service.imports import import_facilities_csv, import_geojson
from lifeline.registry.service.organisations import (
    get_organisation,
    list_organisations,
    organisation_timeline,
    register_organisation,
    remove_organisation,
    update_organisation,
)

__all__ = [
    "define_area",
    "get_area",
    "get_facility",
    "get_organisation",
    "import_facilities_csv",
    "import_geojson",
    "list_areas",
    "list_facilities",
    "list_organisations",
    "organisation_timeline",
    "register_facility",
    "register_handlers",
    "register_organisation",
    "remove_area",
    "remove_facility",
    "remove_organisation",
    "update_area",
    "update_facility",
    "update_organisation",
]


def register_handlers(bus: MessageBus) -> None:
    """Register one handler per registry command and query."""
    bus.register(RegisterOrganisation, register_organisation)
    bus.register(UpdateOrganisation, update_organisation)
    bus.register(RemoveOrganisation, remove_organisation)
    bus.register(GetOrganisation, get_organisation)
    bus.register(ListOrganisations, list_organisations)
    bus.register(OrganisationTimeline, organisation_timeline)
    bus.register(DefineArea, define_area)
    bus.register(UpdateArea, update_area)
    bus.register(RemoveArea, remove_area)
    bus.register(GetArea, get_area)
    bus.register(ListAreas, list_areas)
    bus.register(RegisterFacility, register_facility)
    bus.register(UpdateFacility, update_facility)
    bus.register(RemoveFacility, remove_facility)
    bus.register(GetFacility, get_facility)
    bus.register(ListFacilities, list_facilities)
    bus.register(ImportGeoJson, import_geojson)
    bus.register(ImportFacilitiesCsv, import_facilities_csv)
