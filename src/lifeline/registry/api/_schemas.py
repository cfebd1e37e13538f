"""Types and helpers shared by the registry's request and response schemas."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends
from pydantic import BaseModel, ConfigDict, Field

from lifeline.api.pagination import Page, PageParams, page_params
from lifeline.registry.model import Listing

T = TypeVar("T")
Paging = Annotated[PageParams, Depends(page_params)]

Name = Annotated[str, Field(min_length=1, max_length=200)]
ShortText = Annotated[str, Field(max_length=200)]
Phone = Annotated[str, Field(max_length=50)]
GeoJson = dict[str, Any]


class InputModel(BaseModel):
    """A request body: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid")


def page_of(listing: Listing[Any], items: list[T], paging: PageParams) -> Page[T]:
    return Page[T](items=items, total=listing.total, limit=paging.limit, offset=paging.offset)
