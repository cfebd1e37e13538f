"""Alert templates per hazard, as data, in zh-CN and en.

Texts are ``str.format`` templates with the fields ``{area}`` (the area's name in that language)
and ``{colour}`` (the colour's name in that language). A template is snapshotted onto each alert
drafted from it (``template_id`` and ``template_version``), so editing one never changes an alert
in flight.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lifeline.alerts.cap.model import CapCategory, CapCertainty, CapResponseType, CapUrgency
from lifeline.kernel.errors import InvalidInput

LANGUAGES = ("zh-CN", "en")


class Hazard(StrEnum):
    TYPHOON = "typhoon"
    RAINSTORM = "rainstorm"
    HEAT = "heat"
    CHEMICAL_LEAK = "chemical_leak"
    EVACUATION = "evacuation"


@dataclass(frozen=True, slots=True)
class TemplateText:
    language: str
    event: str
    headline: str
    description: str
    instruction: str


@dataclass(frozen=True, slots=True)
class AlertTemplate:
    id: str
    version: int
    hazard: Hazard
    category: CapCategory
    response_type: CapResponseType
    urgency: CapUrgency
    certainty: CapCertainty
    texts: tuple[TemplateText, ...]

    def text(self, language: str) -> TemplateText:
        for text in self.texts:
            if text.language == language:
                return text
        raise InvalidInput("language", f"template {self.id!r} has no {language!r} text")


def _t(
    language: str, event: str, headline: str, description: str, instruction: str
) -> TemplateText:
    return TemplateText(language, event, headline, description, instruction)


TEMPLATES: tuple[AlertTemplate, ...] = (
    AlertTemplate(
        id="typhoon",
        version=1,
        hazard=Hazard.TYPHOON,
        category=CapCategory.MET,
        response_type=CapResponseType.SHELTER,
        urgency=CapUrgency.EXPECTED,
        certainty=CapCertainty.LIKELY,
        texts=(
            _t(
                "zh-CN",
                "台风",
                "{area}台风{colour}预警",
                "受台风影响，{area}将出现大风和强降雨。",
                "请留在室内，远离门窗，固定户外物品；非必要不外出。",
            ),
            _t(
                "en",
                "Typhoon",
                "{colour} typhoon warning for {area}",
                "A typhoon will bring gales and heavy rain to {area}.",
                "Stay indoors, keep away from windows, secure loose objects; avoid travel.",
            ),
        ),
    ),
    AlertTemplate(
        id="rainstorm",
        version=1,
        hazard=Hazard.RAINSTORM,
        category=CapCategory.MET,
        response_type=CapResponseType.AVOID,
        urgency=CapUrgency.EXPECTED,
        certainty=CapCertainty.LIKELY,
        texts=(
            _t(
                "zh-CN",
                "暴雨",
                "{area}暴雨{colour}预警",
                "{area}将出现强降雨，低洼地区可能积水。",
                "避开低洼地带、地下空间和河道；注意交通安全。",
            ),
            _t(
                "en",
                "Rainstorm",
                "{colour} rainstorm warning for {area}",
                "Heavy rain is expected in {area}; low-lying places may flood.",
                "Keep away from low ground, underground spaces and rivers; drive with care.",
            ),
        ),
    ),
    AlertTemplate(
        id="heat",
        version=1,
        hazard=Hazard.HEAT,
        category=CapCategory.MET,
        response_type=CapResponseType.PREPARE,
        urgency=CapUrgency.EXPECTED,
        certainty=CapCertainty.LIKELY,
        texts=(
            _t(
                "zh-CN",
                "高温",
                "{area}高温{colour}预警",
                "{area}将出现持续高温天气。",
                "避免午后户外活动，多饮水，关注老人和儿童。",
            ),
            _t(
                "en",
                "Heat",
                "{colour} heat warning for {area}",
                "Persistent high temperatures are expected in {area}.",
                "Avoid outdoor activity in the afternoon, drink water, look after the elderly.",
            ),
        ),
    ),
    AlertTemplate(
        id="chemical_leak",
        version=1,
        hazard=Hazard.CHEMICAL_LEAK,
        category=CapCategory.CBRNE,
        response_type=CapResponseType.SHELTER,
        urgency=CapUrgency.IMMEDIATE,
        certainty=CapCertainty.OBSERVED,
        texts=(
            _t(
                "zh-CN",
                "危险化学品泄漏",
                "{area}危险化学品泄漏{colour}预警",
                "{area}发生危险化学品泄漏。",
                "关闭门窗和空调新风，留在室内，听从现场指挥。",
            ),
            _t(
                "en",
                "Chemical leak",
                "{colour} chemical leak warning for {area}",
                "A hazardous chemical has leaked in {area}.",
                "Close windows and ventilation, stay indoors and follow instructions on site.",
            ),
        ),
    ),
    AlertTemplate(
        id="evacuation",
        version=1,
        hazard=Hazard.EVACUATION,
        category=CapCategory.SAFETY,
        response_type=CapResponseType.EVACUATE,
        urgency=CapUrgency.IMMEDIATE,
        certainty=CapCertainty.OBSERVED,
        texts=(
            _t(
                "zh-CN",
                "疏散",
                "{area}紧急疏散通知（{colour}）",
                "{area}需立即疏散。",
                "请按指示路线前往最近的避难场所，不要乘坐电梯。",
            ),
            _t(
                "en",
                "Evacuation order",
                "Evacuation order for {area} ({colour})",
                "{area} must be evacuated now.",
                "Follow the signed route to the nearest shelter; do not use lifts.",
            ),
        ),
    ),
)


def template_for(template_id: str) -> AlertTemplate:
    for template in TEMPLATES:
        if template.id == template_id:
            return template
    raise InvalidInput("template_id", f"no template {template_id!r}")
