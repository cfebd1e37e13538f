"""Identifiers: time-ordered UUIDv7 strings, so ids sort by creation time in every store."""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> str:
    """Return a new UUIDv7 (RFC 9562) as a 36-character string.

    48 bits of Unix milliseconds, then 74 random bits: ids created later sort later, which keeps
    B-tree indexes compact on both SQLite and PostgreSQL.
    """
    unix_ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    h = f"{value:032x}"  # the canonical text of uuid.UUID(int=value), without building one
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def is_id(text: str) -> bool:
    """True when ``text`` is a canonical UUID string."""
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def new_ids(count: int) -> list[str]:
    """Return ``count`` new UUIDv7 strings at once, as :func:`new_id` makes them one by one.

    One clock reading and one ``os.urandom`` call serve the whole block, and each id is cut from
    the hex text of the random bytes: about four times cheaper an id than :func:`new_id`. The
    block shares one Unix millisecond (ids made within one millisecond do not sort among
    themselves in either form); each id keeps 74 random bits.
    """
    if count <= 0:
        return []
    unix_ms = time.time_ns() // 1_000_000
    stamp = f"{unix_ms & ((1 << 48) - 1):012x}"
    head = f"{stamp[:8]}-{stamp[8:]}-7"
    variant = _VARIANT
    rand = os.urandom(10 * count).hex()
    return [
        f"{head}{r[:3]}-{variant[r[3]]}{r[4:7]}-{r[7:19]}"
        for r in (rand[i : i + 20] for i in range(0, 20 * count, 20))
    ]
