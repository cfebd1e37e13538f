"""Decoding uploads: text in UTF-8 or GB18030, and JSON documents."""

from __future__ import annotations

import json
from typing import Any

from lifeline.kernel.errors import InvalidInput


def decode_text(content: bytes | str) -> str:
    """Text of an upload: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("body", "cannot decode the file as UTF-8 or GB18030/GBK")


def load_json(content: Any) -> Any:
    """Parse ``content`` if it is text or bytes; anything else is already parsed JSON."""
    if not isinstance(content, str | bytes):
        return content
    text = decode_text(content)
    if not text.strip():
        raise InvalidInput("body", "the document is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("body", f"malformed JSON: {exc}") from exc
