"""Short-lived access tokens (JWT, HS256) whose expiry is judged by the injected clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from lifeline.kernel.clock import Clock
from lifeline.kernel.errors import Unauthenticated
from lifeline.kernel.ids import new_id

ALGORITHM = "HS256"
ISSUER = "lifeline"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    subject: str  # user id
    token_id: str
    issued_at: datetime
    expires_at: datetime


class TokenCodec:
    """Issues and checks access tokens. Expiry uses ``clock`` so drills and tests agree."""

    def __init__(self, *, secret: str, ttl_s: int, clock: Clock) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 characters")
        self._secret = secret
        self.ttl_s = ttl_s
        self._clock = clock

    def issue(self, subject: str) -> tuple[str, TokenClaims]:
        now = self._clock.now()
        claims = TokenClaims(
            subject=subject,
            token_id=new_id(),
            issued_at=now,
            expires_at=now + timedelta(seconds=self.ttl_s),
        )
        token = jwt.encode(
            {
                "sub": subject,
                "jti": claims.token_id,
                "iss": ISSUER,
                "typ": "access",
                "iat": int(now.timestamp()),
                "exp": int(claims.expires_at.timestamp()),
            },
            self._secret,
            algorithm=ALGORITHM,
        )
        return token, claims

    def decode(self, token: str) -> TokenClaims:
        """Check signature, issuer, type and expiry; raise ``Unauthenticated`` on any failure."""
        try:
            data = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "require": ["sub", "exp", "iat", "jti", "iss"],
                },
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from exc
        if data.get("typ") != "access":
            raise Unauthenticated("invalid token: not an access token")
        issued = datetime.fromtimestamp(int(data["iat"]), UTC)
        expires = datetime.fromtimestamp(int(data["exp"]), UTC)
        if self._clock.now() >= expires:
            raise Unauthenticated("token expired")
        return TokenClaims(
            subject=str(data["sub"]),
            token_id=str(data["jti"]),
            issued_at=issued,
            expires_at=expires,
        )
