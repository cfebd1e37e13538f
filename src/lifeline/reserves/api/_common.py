"""Request-model base and aliases shared by the reserves routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from pydantic import BaseModel, ConfigDict

from lifeline.api.pagination import PageParams, page_params

PageDep = Annotated[PageParams, Depends(page_params)]
GeoJson = dict[str, Any]


class Strict(BaseModel):
    """Request bodies refuse unknown fields and strip surrounding whitespace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


SPEED_HELP = (
    "great-circle speed in km/h; leave out for the platform's road travel times (great-circle "
    "fallback when no road network is loaded)"
)
