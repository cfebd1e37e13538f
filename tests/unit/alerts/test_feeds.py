"""Splitting agencies' documents into CAP alerts, leniently, with limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from lifeline.alerts import feeds
from lifeline.alerts.feeds import read_feed
from lifeline.kernel.errors import InvalidInput

DATA = Path(__file__).parents[2] / "data" / "cap"


def _entry(content: str) -> str:
    return f'<entry><content type="application/cap+xml">{content}</content></entry>'


def _feed(*entries: str) -> bytes:
    body = "".join(entries)
    return f'<feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'.encode()


def test_a_single_alert_is_one_entry() -> None:
    [entry] = read_feed((DATA / "cap12_spec_example_1.xml").read_bytes())
    assert entry.alert is not None
    assert entry.alert.identifier == "43b080713727"
    assert entry.errors == ()


def test_embedded_alerts_keep_their_own_namespace() -> None:
    cap = (DATA / "cap12_spec_example_2.xml").read_text("utf-8").split("?>", 1)[1]
    entries = read_feed(_feed(_entry(cap), _entry(cap)))
    assert [e.alert.identifier for e in entries if e.alert] == ["KSTO1055887203"] * 2
    assert b'xmlns="urn:oasis:names:tc:emergency:cap:1.2"' in entries[0].document


def test_too_many_entries_or_bytes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_FEED_ENTRIES", 2)
    with pytest.raises(InvalidInput, match="limit"):
        read_feed(_feed(_entry(""), _entry(""), _entry("")))
    with pytest.raises(InvalidInput, match="limit"):
        read_feed(_feed(_entry("x" * 2000)), max_bytes=1000)
