"""The material catalogue (GB/T 38565-2020 top-level classes), shipped as package data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from lifeline.kernel.errors import InvalidInput
from lifeline.reserves.model import Material, MaterialClass


@dataclass(frozen=True)
class Catalogue:
    """Classes and materials by code."""

    classes: dict[str, MaterialClass]
    materials: dict[str, Material]

    def material(self, code: str, field: str = "material_code") -> Material:
        """The material with ``code``, or ``InvalidInput`` naming the field."""
        found = self.materials.get(code)
        if found is None:
            raise InvalidInput(field, f"unknown material code {code!r}")
        return found


def parse_catalogue(text: str) -> Catalogue:
    """Parse the catalogue YAML; every material must name a known class."""
    data: dict[str, Any] = yaml.safe_load(text)
    classes = {
        str(c["code"]): MaterialClass(str(c["code"]), c["name"], c["name_en"])
        for c in data["classes"]
    }
    materials: dict[str, Material] = {}
    for m in data["materials"]:
        code = str(m["code"])
        if str(m["class"]) not in classes or not code.startswith(str(m["class"])):
            raise ValueError(f"material {code} names an unknown class {m['class']!r}")
        if code in materials:
            raise ValueError(f"material {code} is listed twice")
        materials[code] = Material(
            code=code,
            class_code=str(m["class"]),
            name=m["name"],
            name_en=m["name_en"],
            unit=m["unit"],
            countable=bool(m["countable"]),
            shelf_life_days=m["shelf_life_days"],
            storage=m["storage"],
            weight_kg=float(m["weight_kg"]),
            volume_m3=float(m["volume_m3"]),
        )
    return Catalogue(classes=classes, materials=materials)


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue (``seed_data/catalogue.yaml``), parsed once."""
    text = resources.files("lifeline.reserves").joinpath("seed_data", "catalogue.yaml")
    return parse_catalogue(text.read_text("utf-8"))
