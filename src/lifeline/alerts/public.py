"""What the public sees: an Atom feed of active alerts and a bilingual HTML page (no external
assets, so it works on an isolated network)."""

from __future__ import annotations

import html
from datetime import datetime

from lxml import etree

from lifeline.alerts.cap.model import CapMsgType
from lifeline.alerts.levels import Colour
from lifeline.alerts.model import PublicAlert

ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/common-alerting-protocol+xml"
_A = f"{{{ATOM_NS}}}"
_KIND = {
    CapMsgType.UPDATE: "更新 · Update · ",
    CapMsgType.CANCEL: "已解除 · Cancelled · ",
}
_SWATCH = {
    Colour.BLUE: "#1f5fbf",
    Colour.YELLOW: "#c9a400",
    Colour.ORANGE: "#e0701b",
    Colour.RED: "#c4161c",
}


def _headline(alert: PublicAlert, language: str) -> str:
    for text in alert.texts:
        if text.language == language:
            return text.headline
    return alert.texts[0].headline


def render_atom(alerts: list[PublicAlert], *, base_url: str, now: datetime) -> bytes:
    """An Atom 1.0 feed (RFC 4287): one entry per active public alert, each linking to its
    CAP 1.2 document; ``updated`` is the newest publication time (or ``now`` when empty)."""
    feed = etree.Element(_A + "feed", nsmap={None: ATOM_NS})

    def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> None:
        el = etree.SubElement(parent, _A + tag, attrs)
        if text is not None:
            el.text = text

    sub(feed, "id", f"{base_url}/public/alerts.atom")
    sub(feed, "title", "Lifeline 预警信息 · Public warnings")
    newest = max((a.published_at for a in alerts if a.published_at), default=now)
    sub(feed, "updated", newest.isoformat())
    sub(feed, "link", rel="self", href=f"{base_url}/public/alerts.atom")
    sub(feed, "author")
    feed[-1].append(etree.Element(_A + "name"))
    feed[-1][0].text = "Lifeline"
    for alert in alerts:
        entry = etree.SubElement(feed, _A + "entry")
        sub(entry, "id", f"urn:cap:{alert.identifier}")
        sub(entry, "title", _headline(alert, "zh-CN"))
        sub(entry, "updated", (alert.published_at or now).isoformat())
        sub(entry, "summary", _headline(alert, "en"))
        sub(entry, "category", term=alert.colour.value, label=alert.colour.zh)
        sub(
            entry,
            "link",
            rel="alternate",
            type=CAP_MEDIA_TYPE,
            href=f"{base_url}/public/alerts/{alert.identifier}.xml",
        )
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True))


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}"
    ".alert{border-left:.5rem solid;padding:.5rem 1rem;margin:1rem 0;background:#f7f7f7}"
    ".meta{color:#555;font-size:.9rem}h2{margin:.4rem 0}"
    "button{font-size:1rem;padding:.5rem 1rem}"
)


def _document(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def render_unsubscribe_confirm(*, action_url: str, channel: str, masked_address: str) -> str:
    """The bilingual confirmation page of a one-click unsubscribe link: one form button that
    POSTs back to the same link (no scripts; visiting the link alone withdraws nothing)."""
    who = f"{html.escape(channel)} · {html.escape(masked_address)}"
    return _document(
        "退订预警 · Unsubscribe",
        '<h1>退订预警信息 <small lang="en">Unsubscribe from public warnings</small></h1>'
        f'<p class="meta">{who}</p>'
        "<p>确认后，此地址将不再收到 Lifeline 发布的预警信息。<br>"
        '<span lang="en">After you confirm, this address receives no more public warnings '
        "from Lifeline.</span></p>"
        f'<form method="post" action="{html.escape(action_url)}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit">确认退订 · Unsubscribe</button></form>',
    )


def render_unsubscribed(*, channel: str, masked_address: str) -> str:
    """The page shown once a subscription is withdrawn (also when it already was)."""
    who = f"{html.escape(channel)} · {html.escape(masked_address)}"
    return _document(
        "已退订 · Unsubscribed",
        '<h1>已退订 <small lang="en">Unsubscribed</small></h1>'
        f'<p class="meta">{who}</p>'
        "<p>此地址不会再收到预警信息。如需重新订阅，请再次提交订阅并同意接收。<br>"
        '<span lang="en">This address receives no more warnings. To subscribe again, submit '
        "a new subscription with your consent.</span></p>"
        '<p class="meta"><a href="/public/warnings">当前预警 · Warnings in force</a></p>',
    )


def render_link_problem(reason_zh: str, reason_en: str) -> str:
    """The page for a link that cannot be used (altered, incomplete, unknown)."""
    return _document(
        "链接无效 · Invalid link",
        '<h1>链接无效 <small lang="en">This link cannot be used</small></h1>'
        f'<p>{html.escape(reason_zh)}<br><span lang="en">{html.escape(reason_en)}</span></p>'
        "<p>请使用预警消息中的完整退订链接。<br>"
        '<span lang="en">Use the whole unsubscribe link from a warning message.</span></p>',
    )


def render_page(alerts: list[PublicAlert], *, now: datetime) -> str:
    """A self-contained bilingual page of active public warnings (inline CSS, no scripts)."""
    items = []
    for alert in alerts:
        blocks = "".join(
            f'<div lang="{html.escape(t.language)}"><h2>{html.escape(t.headline)}</h2>'
            f"<p>{html.escape(t.description)}</p><p><strong>{html.escape(t.instruction)}</strong>"
            "</p></div>"
            for t in alert.texts
        )
        expires = alert.expires_at.isoformat(timespec="minutes")
        kind = _KIND.get(alert.msg_type, "")
        items.append(
            f'<article class="alert" style="border-left-color:{_SWATCH[alert.colour]}">'
            f'<p class="meta">{kind}{html.escape(alert.colour.zh)} · {alert.colour.value} · '
            f"{html.escape(alert.identifier)} · 有效至 / until {html.escape(expires)}</p>"
            f"{blocks}</article>"
        )
    body = "".join(items) or (
        '<p class="none">当前没有生效的预警。<br>'
        '<span lang="en">No warnings are in force.</span></p>'
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>预警信息 · Public warnings</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}"
        ".alert{border-left:.5rem solid;padding:.5rem 1rem;margin:1rem 0;background:#f7f7f7}"
        ".meta{color:#555;font-size:.9rem}h2{margin:.4rem 0}"
        '</style></head><body><h1>预警信息 <small lang="en">Public warnings</small></h1>'
        f'<p class="meta">更新于 / as of {html.escape(now.isoformat(timespec="minutes"))}</p>'
        f"{body}"
        '<p class="meta"><a href="/public/alerts.atom">Atom/CAP feed</a></p></body></html>'
    )
