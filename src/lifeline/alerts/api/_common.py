"""What the alerts routes share: the strict request base, pagination, the CAP media type."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, ConfigDict

from lifeline.api.pagination import PageParams, page_params

PageDep = Annotated[PageParams, Depends(page_params)]
CAP_MEDIA_TYPE = "application/common-alerting-protocol+xml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
