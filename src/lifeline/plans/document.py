"""The plan document codec: YAML (and plain JSON-like data) in and out, validated with clear
errors that name the path of each problem (``levels.0.triggers.1.at_least``).

Structure (types, required keys, no unknown keys) is checked by pydantic against the document
dataclasses of :mod:`lifeline.plans.model`; the rules between fields by
:func:`lifeline.plans.model.check_document`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.plans.model import PlanDocument, check_document
from lifeline.reserves.catalogue import catalogue

MAX_YAML_BYTES = 1_000_000
# libyaml's safe loader and dumper when PyYAML was built with it (about twice as fast)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@cache
def _adapter() -> TypeAdapter[PlanDocument]:
    return TypeAdapter(PlanDocument)


def from_data(data: Any, *, prefix: str = "") -> PlanDocument:
    """Validate plain data (parsed YAML or JSON) into a document; raise ``InvalidInput``
    naming every problem's path (under ``prefix``)."""
    if not isinstance(data, dict):
        raise InvalidInput(prefix or "document", "must be a mapping of plan fields")
    try:
        doc = _adapter().validate_python(data)
    except ValidationError as exc:
        raise InvalidInput(
            [
                FieldProblem(_join(prefix, ".".join(str(p) for p in err["loc"])), err["msg"])
                for err in exc.errors()
            ]
        ) from None
    problems = check_document(doc)
    if problems:
        raise InvalidInput([FieldProblem(_join(prefix, p.field), p.reason) for p in problems])
    return doc


def check_materials(doc: PlanDocument) -> None:
    """Every material code must be in the reserves catalogue; raise ``InvalidInput`` naming the
    paths of those that are not. (Not part of :func:`from_data`, so a stored document stays
    readable if the catalogue changes later.)"""
    known = catalogue().materials
    problems = [
        FieldProblem(
            f"levels.{i}.materials.{j}.material_code",
            f"{need.material_code!r} is not in the material catalogue",
        )
        for i, level in enumerate(doc.levels)
        for j, need in enumerate(level.materials)
        if need.material_code not in known
    ]
    if problems:
        raise InvalidInput(problems)


def to_data(doc: PlanDocument) -> dict[str, Any]:
    """The document as plain JSON-compatible data (the inverse of :func:`from_data`)."""
    data: dict[str, Any] = _adapter().dump_python(doc, mode="json", exclude_none=True)
    return data


def from_yaml(text: str | bytes) -> PlanDocument:
    """Parse and validate one YAML plan document."""
    if len(text) > MAX_YAML_BYTES:
        raise InvalidInput("document", f"larger than {MAX_YAML_BYTES} bytes")
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise InvalidInput("document", f"not valid YAML{where}: {reason}") from None
    return from_data(data)


def to_yaml(doc: PlanDocument) -> str:
    """The document as YAML (UTF-8 text, Chinese kept readable, keys in document order)."""
    return yaml.dump(to_data(doc), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return f"{prefix}.{path}" if path else prefix
