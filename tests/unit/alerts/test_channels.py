"""Channel renderers carry the unsubscribe link; the file SMS provider writes one JSON line each."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from lifeline.alerts.channels import FileSms, render_email, render_sms, render_webhook
from lifeline.alerts.model import AlertText, PublicAlert
from lifeline.alerts.outbox import Channel, Delivery, DeliveryState
from tests.unit.alerts.test_model import T0, _alert

URL = "https://warnings.example.gov/public/unsubscribe?token=abc.def"


def demo_alert() -> PublicAlert:
    """A bilingual typhoon warning."""
    texts = (
        AlertText("zh-CN", "台风", "深圳市台风橙色预警", "描述", "请留在室内。", "深圳市"),
        AlertText("en", "Typhoon", "Orange typhoon warning", "text", "Stay indoors.", "Shenzhen"),
    )
    return replace(_alert(), texts=texts)


def test_email_ends_with_the_link_and_has_none_without_one() -> None:
    alert = demo_alert()
    _, body = render_email(alert, "zh-CN", URL)
    assert body.rstrip().endswith(f"退订 / Unsubscribe: {URL}")
    _, plain = render_email(alert, "zh-CN")
    assert "Unsubscribe" not in plain


def test_sms_carries_the_link_in_its_language_across_segments() -> None:
    alert = demo_alert()
    zh = "".join(render_sms(alert, "zh-CN", URL))
    en = "".join(render_sms(alert, "en", URL))
    assert zh.endswith(f" 退订 {URL}")
    assert en.endswith(f" Stop: {URL}")
    assert len(render_sms(alert, "zh-CN", URL)) > len(render_sms(alert, "zh-CN"))


def test_webhook_json_names_the_link() -> None:
    payload = json.loads(render_webhook(demo_alert(), b"<alert/>", URL))
    assert payload["unsubscribe_url"] == URL
    assert json.loads(render_webhook(demo_alert(), b"<alert/>"))["unsubscribe_url"] is None


def test_the_file_provider_appends_one_json_line_per_message(tmp_path: Path) -> None:
    sink = tmp_path / "sms.jsonl"
    provider = FileSms(sink)
    for n in range(2):
        delivery = Delivery(
            id=f"d{n}",
            alert_id="bench",
            subscription_id=f"s{n}",
            channel=Channel.SMS,
            address=f"1380000000{n}",
            language="zh-CN",
            idempotency_key=f"bench:s{n}:sms",
            state=DeliveryState.QUEUED,
            attempts=0,
            next_attempt_at=T0,
        )
        provider.send(delivery, demo_alert(), b"<alert/>", URL if n else None)
    lines = [json.loads(line) for line in sink.read_text("utf-8").splitlines()]
    assert [m["to"] for m in lines] == ["13800000000", "13800000001"]
    assert [m["idempotency_key"] for m in lines] == ["bench:s0:sms", "bench:s1:sms"]
    assert URL not in "".join(lines[0]["parts"])
    assert "".join(lines[1]["parts"]).endswith(URL)
