"""Helpers for tests that start a Lifeline process and read what it serves: a free loopback
port, and one sample of Prometheus text."""

from __future__ import annotations

import re
import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sample(text: str, name: str, labels: str = "") -> float | None:
    """The value of one sample (``name`` with exactly ``labels``, e.g. ``{source="mqtt"}``) in
    Prometheus text, or None when it is absent."""
    found = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.M)
    return float(found.group(1)) if found else None
