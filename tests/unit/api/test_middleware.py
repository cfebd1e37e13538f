"""Structured logs carry the request id; the problem+json mapping names fields."""

from __future__ import annotations

import json
import logging

from lifeline.api.middleware import JsonFormatter, request_id_var


def test_log_lines_are_json_with_the_current_request_id() -> None:
    record = logging.LogRecord("lifeline.access", logging.INFO, __file__, 1, "request", None, None)
    record.fields = {"status": 201, "path": "/facilities"}
    token = request_id_var.set("req-42")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    entry = json.loads(line)
    assert entry["request_id"] == "req-42"
    assert entry["status"] == 201
    assert entry["level"] == "INFO"
    assert entry["msg"] == "request"


def test_exceptions_are_kept_in_the_json_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "lifeline", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exc"]
    assert entry["request_id"] == "-"
