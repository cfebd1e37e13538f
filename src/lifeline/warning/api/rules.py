"""HTTP routes for warning-level scales and rules (versioned data, JSON or YAML)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import yaml
from fastapi import APIRouter, status
from pydantic import BaseModel, Field, model_validator

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.kernel.errors import InvalidInput
from lifeline.warning import messages as m
from lifeline.warning.api._common import PageDep, Strict
from lifeline.warning.model import LevelScale, Rule, RuleVersion
from lifeline.warning.scales import scales

router = APIRouter()


class LevelOut(BaseModel):
    code: str
    rank: int
    name: str
    name_en: str


class ScaleOut(BaseModel):
    code: str
    name: str
    name_en: str
    levels: list[LevelOut]

    @classmethod
    def of(cls, s: LevelScale) -> ScaleOut:
        return cls(
            code=s.code,
            name=s.name,
            name_en=s.name_en,
            levels=[LevelOut.model_validate(lv, from_attributes=True) for lv in s.levels],
        )


@router.get("/scales", summary="Warning-level scales (national colours, Shenzhen signals)")
def list_scales(actor: CurrentActor) -> list[ScaleOut]:
    return [ScaleOut.of(s) for s in scales().values()]


class RuleIn(Strict):
    """A rule definition as a JSON object (``definition``) or as YAML text
    (``definition_yaml``); see ``docs/warning.md`` for the fields."""

    organisation_id: str = Field(min_length=1, max_length=36)
    definition: dict[str, Any] | None = None
    definition_yaml: str | None = Field(None, max_length=100_000)

    @model_validator(mode="after")
    def _one_form(self) -> RuleIn:
        if (self.definition is None) == (self.definition_yaml is None):
            raise ValueError("give exactly one of definition or definition_yaml")
        return self


class RuleRevisionIn(Strict):
    definition: dict[str, Any] | None = None
    definition_yaml: str | None = Field(None, max_length=100_000)
    enabled: bool | None = None
    note: str = Field("", max_length=500)


def _definition(data: dict[str, Any] | None, text: str | None) -> dict[str, Any] | None:
    if text is None:
        return data
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput("definition_yaml", f"is not valid YAML: {exc}") from None
    if not isinstance(loaded, dict):
        raise InvalidInput("definition_yaml", "must be a YAML mapping")
    return loaded


class RuleOut(BaseModel):
    id: str
    organisation_id: str
    name: str
    version: int
    enabled: bool
    definition: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    created_by: str

    @classmethod
    def of(cls, r: Rule) -> RuleOut:
        return cls.model_validate(r, from_attributes=True)


class RuleVersionOut(BaseModel):
    version: int
    enabled: bool
    definition: dict[str, Any]
    created_at: datetime
    created_by: str
    note: str

    @classmethod
    def of(cls, v: RuleVersion) -> RuleVersionOut:
        return cls.model_validate(v, from_attributes=True)


@router.post("/rules", status_code=status.HTTP_201_CREATED, summary="Create a rule (version 1)")
def create_rule(body: RuleIn, bus: BusDep, actor: CurrentActor) -> RuleOut:
    definition = _definition(body.definition, body.definition_yaml)
    assert definition is not None
    rule = bus.handle(
        m.CreateRule(organisation_id=body.organisation_id, definition=definition), actor
    )
    return RuleOut.of(rule)


@router.get("/rules", summary="Rules in your scope")
def list_rules(bus: BusDep, actor: CurrentActor, page: PageDep) -> Page[RuleOut]:
    rules, total = bus.handle(m.ListRules(limit=page.limit, offset=page.offset), actor)
    return Page[RuleOut](
        items=[RuleOut.of(r) for r in rules], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/rules/{rule_id}", summary="One rule at its current version")
def get_rule(rule_id: str, bus: BusDep, actor: CurrentActor) -> RuleOut:
    return RuleOut.of(bus.handle(m.GetRule(rule_id=rule_id), actor))


@router.put("/rules/{rule_id}", summary="Revise a rule: a new version (history is kept)")
def revise_rule(rule_id: str, body: RuleRevisionIn, bus: BusDep, actor: CurrentActor) -> RuleOut:
    definition = _definition(body.definition, body.definition_yaml)
    rule = bus.handle(
        m.ReviseRule(rule_id=rule_id, definition=definition, enabled=body.enabled, note=body.note),
        actor,
    )
    return RuleOut.of(rule)


@router.get("/rules/{rule_id}/versions", summary="Every version of a rule, oldest first")
def rule_versions(rule_id: str, bus: BusDep, actor: CurrentActor) -> list[RuleVersionOut]:
    return [RuleVersionOut.of(v) for v in bus.handle(m.RuleHistory(rule_id=rule_id), actor)]
