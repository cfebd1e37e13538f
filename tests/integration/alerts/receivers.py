"""Real receivers on loopback for the channel tests: an SMTP server and an HTTP server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.integration.processes import free_port


@dataclass
class Inbox:
    """Keeps every message. ``hold_at``: after receiving that (1-based) message, answer nothing
    until ``release`` is set — the sender waits for a 250 that does not come (``holding`` tells
    the test it is there). ``delay_s``: answer every message after this long."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hold_at: int = 0
    delay_s: float = 0.0
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            count = len(self.messages)
        if count == self.hold_at:
            self.holding.set()
            for _ in range(1200):  # at most 60 s
                if self.release.is_set():
                    break
                await asyncio.sleep(0.05)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return "250 OK"


@contextmanager
def smtp_server(**options: Any) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox(**options)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        inbox.release.set()
        controller.stop()


@dataclass
class HttpLog:
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    fail_first: int = 0  # answer 500 to this many requests first


@contextmanager
def http_server(fail_first: int = 0) -> Iterator[tuple[HttpLog, str]]:
    log = HttpLog(fail_first=fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if log.fail_first > 0:
                log.fail_first -= 1
                self.send_response(500)
                self.end_headers()
                return
            log.requests.append((self.path, dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield log, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
