"""Channels, one renderer and one adapter each: e-mail (SMTP), signed webhooks (HMAC-SHA256),
SMS through an HTTP gateway (segmented), and in-app. Each adapter also sends operators' alarm
notices (``send_notice``), worded by :mod:`lifeline.alerts.notices`.

Every adapter sends one delivery and raises on failure; it carries the delivery's
idempotency key (e-mail ``Message-ID`` and ``X-Lifeline-Idempotency-Key``, webhook and gateway
header) so that a receiver can drop a repeat after a crash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, Protocol

import httpx

from lifeline.alerts.model import AlertText, PublicAlert
from lifeline.alerts.notices import AlarmNotice, notice_sms, notice_texts
from lifeline.alerts.outbox import Channel, Delivery
from lifeline.alerts.sms import segment

SIGNATURE_HEADER = "X-Lifeline-Signature"
IDEMPOTENCY_HEADER = "X-Lifeline-Idempotency-Key"


def _text(alert: PublicAlert, language: str) -> AlertText:
    return next((t for t in alert.texts if t.language == language), alert.texts[0])


def _kind(alert: PublicAlert, language: str) -> str:
    labels = {"Update": ("更新", "Update"), "Cancel": ("解除", "Cancelled")}
    zh, en = labels.get(alert.msg_type.value, ("", ""))
    label = zh if language == "zh-CN" else en
    return f"[{label}] " if label else ""


def render_email(
    alert: PublicAlert, language: str, unsubscribe_url: str | None = None
) -> tuple[str, str]:
    """Subject and plain-text body (ending with the unsubscribe link, when there is one)."""
    t = _text(alert, language)
    body = f"{t.headline}\n\n{t.description}\n\n{t.instruction}\n\n{alert.identifier}\n"
    if unsubscribe_url:
        body += f"\n--\n退订 / Unsubscribe: {unsubscribe_url}\n"
    return f"{_kind(alert, language)}{t.headline}", body


def render_sms(
    alert: PublicAlert, language: str, unsubscribe_url: str | None = None
) -> tuple[str, ...]:
    """The SMS text in gateway-ready segments (70/67 UCS-2 units, 160/153 GSM septets)."""
    t = _text(alert, language)
    tag = "【预警】" if language == "zh-CN" else "[Warning] "
    text = f"{tag}{_kind(alert, language)}{t.headline}: {t.instruction}"
    if unsubscribe_url:
        text += f" 退订 {unsubscribe_url}" if language == "zh-CN" else f" Stop: {unsubscribe_url}"
    return segment(text).parts


def render_webhook(alert: PublicAlert, cap_xml: bytes, unsubscribe_url: str | None = None) -> bytes:
    """JSON with the essentials and the CAP 1.2 document itself."""
    return json.dumps(
        {
            "unsubscribe_url": unsubscribe_url,
            "identifier": alert.identifier,
            "msg_type": alert.msg_type.value,
            "status": alert.status.value,
            "colour": alert.colour.value,
            "hazard": alert.hazard.value,
            "headlines": {t.language: t.headline for t in alert.texts},
            "expires_at": alert.expires_at.isoformat(),
            "cap": cap_xml.decode("utf-8"),
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")


def render_notice_email(notice: AlarmNotice, language: str) -> tuple[str, str]:
    """Subject and plain-text body of an alarm notice."""
    t = next((t for t in notice_texts(notice) if t.language == language), notice_texts(notice)[0])
    return t.headline, f"{t.headline}\n\n{t.description}\n\n{t.instruction}\n"


def render_notice_webhook(notice: AlarmNotice) -> bytes:
    """JSON of an alarm notice: the alarm, its level and the headline in each language."""
    return json.dumps(
        {
            "kind": "alarm_notice",
            "notice_id": notice.id,
            "alarm_id": notice.alarm_id,
            "hazard": notice.hazard,
            "level": notice.level,
            "rank": notice.rank,
            "exercise": notice.exercise,
            "headlines": {t.language: t.headline for t in notice_texts(notice)},
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")


def sign(secret: bytes, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the body>``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class ChannelAdapter(Protocol):
    channel: Channel

    def send(
        self,
        delivery: Delivery,
        alert: PublicAlert,
        cap_xml: bytes,
        unsubscribe_url: str | None = None,
    ) -> None: ...

    def send_notice(self, delivery: Delivery, notice: AlarmNotice) -> None: ...


class SmtpEmail:
    """E-mail over SMTP: plain, STARTTLS or implicit TLS, with an optional login."""

    channel = Channel.EMAIL

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        timeout_s: float = 10.0,
        tls: Literal["none", "starttls", "tls"] = "none",
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host, self.port, self.sender, self.timeout_s = host, port, sender, timeout_s
        self.tls, self.user, self.password = tls, user, password

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout_s, context=ssl.create_default_context()
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        if self.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(
        self,
        delivery: Delivery,
        alert: PublicAlert,
        cap_xml: bytes,
        unsubscribe_url: str | None = None,
    ) -> None:
        subject, body = render_email(alert, delivery.language, unsubscribe_url)
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = delivery.address
        msg["Subject"] = subject
        msg["Message-ID"] = f"<{delivery.idempotency_key.replace(':', '.')}@lifeline>"
        msg[IDEMPOTENCY_HEADER] = delivery.idempotency_key
        if unsubscribe_url:  # RFC 2369 + RFC 8058 one-click
            msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg.set_content(body)
        self._send(msg)

    def send_notice(self, delivery: Delivery, notice: AlarmNotice) -> None:
        subject, body = render_notice_email(notice, delivery.language)
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = delivery.address
        msg["Subject"] = subject
        msg["Message-ID"] = (
            f"<{delivery.idempotency_key.replace(':', '.').replace('/', '.')}@lifeline>"
        )
        msg[IDEMPOTENCY_HEADER] = delivery.idempotency_key
        msg.set_content(body)
        self._send(msg)

    def _send(self, msg: EmailMessage) -> None:
        with self._connect() as smtp:
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(msg)


class SignedWebhook:
    channel = Channel.WEBHOOK

    def __init__(self, secret: bytes, *, timeout_s: float = 10.0) -> None:
        self.secret, self.timeout_s = secret, timeout_s

    def send(
        self,
        delivery: Delivery,
        alert: PublicAlert,
        cap_xml: bytes,
        unsubscribe_url: str | None = None,
    ) -> None:
        self._post(delivery, render_webhook(alert, cap_xml, unsubscribe_url))

    def send_notice(self, delivery: Delivery, notice: AlarmNotice) -> None:
        self._post(delivery, render_notice_webhook(notice))

    def _post(self, delivery: Delivery, body: bytes) -> None:
        resp = httpx.post(
            delivery.address,
            content=body,
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(self.secret, body),
                IDEMPOTENCY_HEADER: delivery.idempotency_key,
            },
            timeout=self.timeout_s,
        )
        resp.raise_for_status()


class HttpSmsGateway:
    """A provider adapter for gateways that take ``{to, parts, idempotency_key}`` as JSON."""

    channel = Channel.SMS

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 10.0,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        self.url, self.timeout_s = url, timeout_s
        self.auth = httpx.BasicAuth(user, password or "") if user else None

    def send(
        self,
        delivery: Delivery,
        alert: PublicAlert,
        cap_xml: bytes,
        unsubscribe_url: str | None = None,
    ) -> None:
        self._post(delivery, render_sms(alert, delivery.language, unsubscribe_url))

    def send_notice(self, delivery: Delivery, notice: AlarmNotice) -> None:
        self._post(delivery, segment(notice_sms(notice)).parts)

    def _post(self, delivery: Delivery, parts: tuple[str, ...]) -> None:
        resp = httpx.post(
            self.url,
            json={"to": delivery.address, "parts": list(parts)},
            headers={IDEMPOTENCY_HEADER: delivery.idempotency_key},
            timeout=self.timeout_s,
            auth=self.auth,
        )
        resp.raise_for_status()


class FileSms:
    """A provider adapter that appends each message as one JSON line to a local file: for
    demos and isolated sites; nothing leaves the machine."""

    channel = Channel.SMS

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def send(
        self,
        delivery: Delivery,
        alert: PublicAlert,
        cap_xml: bytes,
        unsubscribe_url: str | None = None,
    ) -> None:
        self._write(delivery, render_sms(alert, delivery.language, unsubscribe_url))

    def send_notice(self, delivery: Delivery, notice: AlarmNotice) -> None:
        self._write(delivery, segment(notice_sms(notice)).parts)

    def _write(self, delivery: Delivery, parts: tuple[str, ...]) -> None:
        line = json.dumps(
            {
                "to": delivery.address,
                "parts": list(parts),
                "idempotency_key": delivery.idempotency_key,
            },
            ensure_ascii=False,
        )
        with self._lock, self.path.open("a", encoding="utf-8") as sink:
            sink.write(line + "\n")


class InApp:
    """In-app: the app reads its users' sent deliveries; sending is marking the row sent."""

    channel = Channel.IN_APP

    def send(
        self,
        delivery: Delivery,
        alert: PublicAlert,
        cap_xml: bytes,
        unsubscribe_url: str | None = None,
    ) -> None:
        return None

    def send_notice(self, delivery: Delivery, notice: AlarmNotice) -> None:
        return None
