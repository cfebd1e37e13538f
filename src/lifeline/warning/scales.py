"""The warning-level scales shipped as package data (``seed_data/scales.yaml``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from lifeline.warning.model import Level, LevelScale


def parse_scales(text: str) -> dict[str, LevelScale]:
    """Parse the scales YAML; ranks must be distinct and codes unique within a scale."""
    data: dict[str, Any] = yaml.safe_load(text)
    scales: dict[str, LevelScale] = {}
    for s in data["scales"]:
        levels = tuple(
            sorted(
                (
                    Level(str(lv["code"]), int(lv["rank"]), lv["name"], lv["name_en"])
                    for lv in s["levels"]
                ),
                key=lambda lv: lv.rank,
            )
        )
        if len({lv.rank for lv in levels}) != len(levels) or len({lv.code for lv in levels}) != len(
            levels
        ):
            raise ValueError(f"scale {s['code']} repeats a level code or rank")
        if s["code"] in scales:
            raise ValueError(f"scale {s['code']} is listed twice")
        scales[s["code"]] = LevelScale(s["code"], s["name"], s["name_en"], levels)
    return scales


@cache
def scales() -> dict[str, LevelScale]:
    """The shipped scales by code, parsed once."""
    text = resources.files("lifeline.warning").joinpath("seed_data", "scales.yaml")
    return parse_scales(text.read_text("utf-8"))
