"""Registry domain: organisations, administrative areas, facilities, their events and messages.

One module per concept (``organisations``, ``areas``, ``facilities``, ``imports``), plus the
personal fields and their masking (``personal``) and the storage port (``repository``); every
public name is re-exported here, so ``from lifeline.registry.model import X`` finds them all.
"""

from __future__ import annotations

from lifeline.registry.model._common import MAX_NAME_LENGTH, UNSET, Listing, Unset
from lifeline.registry.model.areas import (
    AdministrativeArea,
    AreaDefined,
    AreaFilter,
    AreaLevel,
    AreaRemoved,
    AreaUpdated,
    DefineArea,
    GetArea,
    ListAreas,
    RemoveArea,
    UpdateArea,
)
from lifeline.registry.model.facilities import (
    DEFAULT_CAPACITY_UNIT,
    CapacityUnit,
    Facility,
    FacilityFilter,
    FacilityKind,
    FacilityRegistered,
    FacilityRemoved,
    FacilityUpdated,
    GetFacility,
    ListFacilities,
    RegisterFacility,
    RemoveFacility,
    UpdateFacility,
)
from lifeline.registry.model.imports import (
    ImportFacilitiesCsv,
    ImportGeoJson,
    ImportResult,
    ImportTarget,
)
from lifeline.registry.model.organisations import (
    DepartmentType,
    GetOrganisation,
    ListOrganisations,
    Organisation,
    OrganisationRegistered,
    OrganisationRemoved,
    OrganisationTimeline,
    OrganisationUpdated,
    OrgFilter,
    OrgKind,
    RegisterOrganisation,
    RemoveOrganisation,
    UpdateOrganisation,
)
from lifeline.registry.model.personal import PERSONAL_FIELDS, masked
from lifeline.registry.model.repository import REGISTRY, RegistryRepository

__all__ = [
    "DEFAULT_CAPACITY_UNIT",
    "MAX_NAME_LENGTH",
    "PERSONAL_FIELDS",
    "REGISTRY",
    "UNSET",
    "AdministrativeArea",
    "AreaDefined",
    "AreaFilter",
    "AreaLevel",
    "AreaRemoved",
    "AreaUpdated",
    "CapacityUnit",
    "DefineArea",
    "DepartmentType",
    "Facility",
    "FacilityFilter",
    "FacilityKind",
    "FacilityRegistered",
    "FacilityRemoved",
    "FacilityUpdated",
    "GetArea",
    "GetFacility",
    "GetOrganisation",
    "ImportFacilitiesCsv",
    "ImportGeoJson",
    "ImportResult",
    "ImportTarget",
    "ListAreas",
    "ListFacilities",
    "ListOrganisations",
    "Listing",
    "OrgFilter",
    "OrgKind",
    "Organisation",
    "OrganisationRegistered",
    "OrganisationRemoved",
    "OrganisationTimeline",
    "OrganisationUpdated",
    "RegisterFacility",
    "RegisterOrganisation",
    "RegistryRepository",
    "RemoveArea",
    "RemoveFacility",
    "RemoveOrganisation",
    "Unset",
    "UpdateArea",
    "UpdateFacility",
    "UpdateOrganisation",
    "masked",
]
