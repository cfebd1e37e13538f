"""Request-model base and aliases shared by the warning routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, ConfigDict

from lifeline.api.pagination import PageParams, page_params

PageDep = Annotated[PageParams, Depends(page_params)]


class Strict(BaseModel):
    """Request bodies refuse unknown fields and strip surrounding whitespace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
