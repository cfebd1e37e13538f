"""Masking of personal fields for callers without the personal-data right (pure functions)."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """Keep the first 3 and last 4 digits: ``13812345678`` → ``138****5678``."""
    if not phone:
        return phone
    text = phone.strip()
    if len(text) < 8:
        return "*" * max(0, len(text) - 2) + text[-2:]
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_name(name: str | None) -> str | None:
    """Keep the first character: ``张三`` → ``张*``, ``Li Wei`` → ``L*****``."""
    if not name:
        return name
    text = name.strip()
    return text[0] + "*" * max(1, len(text) - 1)
