"""Signed one-click unsubscribe links: ``/public/unsubscribe?token=<subscription id>.<mac>``.

The token is the subscription id and ``base64url(HMAC-SHA256(key, "unsubscribe:v1:" + id))``
without padding (43 characters). Anyone holding the link may withdraw that one subscription and
nothing else; without the key no token can be made, and changing one character of it makes the
check fail (compared in constant time). Tokens do not expire: an old message's link must still
work (RFC 8058 one-click unsubscribe).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.ports import RepoKey

UNSUBSCRIBE_PATH = "/public/unsubscribe"
_PURPOSE = b"unsubscribe:v1:"
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAC_CHARS = 43  # 32 bytes in unpadded base64url


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class LinkSigner:
    """Makes and checks unsubscribe tokens with ``key``; ``base_url`` is where the public reaches
    this platform (``https://warnings.example.gov``), used to build absolute links."""

    key: bytes
    base_url: str

    def __post_init__(self) -> None:
        if len(self.key) < 16:
            raise ValueError("the link signing key must be at least 16 bytes")

    def _mac(self, subscription_id: str) -> str:
        digest = hmac.new(self.key, _PURPOSE + subscription_id.encode("utf-8"), hashlib.sha256)
        return _b64(digest.digest())

    def token(self, subscription_id: str) -> str:
        if not _ID.match(subscription_id):
            raise ValueError(f"not a subscription id: {subscription_id!r}")
        return f"{subscription_id}.{self._mac(subscription_id)}"

    def unsubscribe_url(self, subscription_id: str) -> str:
        token = quote(self.token(subscription_id), safe="")
        return f"{self.base_url.rstrip('/')}{UNSUBSCRIBE_PATH}?token={token}"

    def verify(self, token: str) -> str:
        """The subscription id the token was made for; ``InvalidInput`` on ``token`` when it is
        malformed, tampered with or signed with another key."""
        subscription_id, dot, mac = token.strip().rpartition(".")
        if not dot or not _ID.match(subscription_id) or len(mac) != _MAC_CHARS:
            raise InvalidInput("token", "is not an unsubscribe token (the link is incomplete)")
        try:
            base64.urlsafe_b64decode(mac + "=")
        except (binascii.Error, ValueError):
            raise InvalidInput(
                "token", "is not an unsubscribe token (the link is incomplete)"
            ) from None
        if not hmac.compare_digest(mac, self._mac(subscription_id)):
            raise InvalidInput(
                "token", "the signature does not match: the link was altered or is not ours"
            )
        return subscription_id


LINKS: RepoKey[LinkSigner] = RepoKey("alert_links")
"""The platform's link signer, wired by the composition root from the settings."""
