"""Who is calling: a back-end holding the server secret, or one user holding a token.

- Back-ends send the server secret, ``X-Graphfeed-Secret: <secret>`` or
  ``Authorization: Bearer <secret>``, and may read and write everything.
- Frontends send a per-user token, ``Authorization: Bearer <jwt>``: HS256,
  ``sub`` = the user id, ``exp``, ``iss`` = ``graphfeed``, minted by the
  back-end (``graphfeed token USER_ID`` or :func:`issue_token`). A user may
  read only their own feeds, suggestions and profile, and write only events in
  which they are the actor.

The token key is ``GRAPHFEED_API_JWT_SECRET`` or else derived from the server
secret (HMAC), so the secret itself never signs anything a browser holds.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import jwt
from pydantic import SecretStr

from engine.api.errors import Unauthenticated
from engine.api.settings import ApiSettings
from engine.errors import ConfigError, Forbidden

ISSUER = "graphfeed"
ALGORITHM = "HS256"
SECRET_HEADER = "x-graphfeed-secret"


@dataclass(frozen=True)
class Principal:
    """The caller: ``user_id`` is None for a back-end with full access."""

    user_id: str | None

    @property
    def is_backend(self) -> bool:
        return self.user_id is None

    def require_user(self, user_id: str, what: str) -> None:
        """Allow back-ends, and users acting as themselves."""
        if self.user_id is not None and self.user_id != user_id:
            raise Forbidden(f"a token for user {self.user_id!r} cannot {what} of user {user_id!r}")

    def require_backend(self, what: str) -> None:
        if self.user_id is not None:
            raise Forbidden(f"only back-ends (server secret) can {what}")


BACKEND = Principal(None)


def derive_key(secret: SecretStr, label: str) -> bytes:
    """A key for one purpose (``label``) derived from the server secret: one secret to
    configure, and a key leaked from one purpose opens no other."""
    return hmac.new(secret.get_secret_value().encode(), label.encode(), hashlib.sha256).digest()


def token_key(settings: ApiSettings) -> bytes:
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value().encode()
    if settings.secret is None:
        raise ConfigError("user tokens need GRAPHFEED_API_SECRET (or GRAPHFEED_API_JWT_SECRET)")
    return derive_key(settings.secret, "graphfeed user tokens v1")


def issue_token(settings: ApiSettings, user_id: str, ttl_s: int | None = None) -> str:
    """A signed token letting a frontend act as ``user_id`` for ``ttl_s`` seconds."""
    if not user_id or not user_id.strip():
        raise ConfigError("a token needs a non-empty user id")
    now = int(time.time())
    ttl = settings.token_ttl_s if ttl_s is None else ttl_s
    if ttl <= 0:
        raise ConfigError("the token lifetime must be positive")
    claims = {"sub": user_id, "iat": now, "exp": now + ttl, "iss": ISSUER}
    return jwt.encode(claims, token_key(settings), algorithm=ALGORITHM)


def authenticate(settings: ApiSettings, headers: dict[str, str]) -> Principal:
    """The principal of a request's headers (lower-case names); raises Unauthenticated."""
    secret_header = headers.get(SECRET_HEADER)
    authorization = headers.get("authorization", "")
    scheme, _, credential = authorization.partition(" ")
    if authorization and scheme.lower() != "bearer":
        raise Unauthenticated("the Authorization header must be 'Bearer <secret or token>'")
    credential = credential.strip()
    if secret_header is not None:
        if _is_secret(settings, secret_header):
            return BACKEND
        raise Unauthenticated("the server secret is not valid")
    if credential:
        if _is_secret(settings, credential):
            return BACKEND
        return Principal(_verify_token(settings, credential))
    if not settings.auth_required:
        return BACKEND  # development without a secret: open access
    raise Unauthenticated(
        "authentication required: send the server secret (X-Graphfeed-Secret) or a user "
        "token (Authorization: Bearer <token>)")


def _is_secret(settings: ApiSettings, presented: str) -> bool:
    if settings.secret is None:
        return False
    expected = settings.secret.get_secret_value().encode()
    return hmac.compare_digest(presented.strip().encode(), expected)


def _verify_token(settings: ApiSettings, token: str) -> str:
    try:
        key = token_key(settings)
    except ConfigError as e:
        raise Unauthenticated("this server accepts no user tokens (no secret set)") from e
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER,
                            leeway=settings.jwt_leeway_s,
                            options={"require": ["sub", "exp", "iss"]})
    except jwt.ExpiredSignatureError as e:
        raise Unauthenticated("the token has expired") from e
    except jwt.InvalidSignatureError as e:
        raise Unauthenticated("the token signature is not valid") from e
    except jwt.InvalidTokenError as e:
        raise Unauthenticated(f"the token is not valid: {e}") from e
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub:
        raise Unauthenticated("the token names no user")
    return sub
