"""Verify Cognito access tokens against the pool's published keys (JWKS).

The JWKS URL and the issuer are configured separately because the emulator serves the keys itself
but writes the real AWS issuer into its tokens. Both are derived from the pool id when unset.

PyJWT (and the ``cryptography`` it loads, ~30 ms) is imported on the first token, not at start-up:
most requests carry no token, and every Lambda cold start would otherwise pay for it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from accounts.errors import TokenInvalid
from cloud import aws

if TYPE_CHECKING:
    import jwt

logger = logging.getLogger(__name__)

ALGORITHMS = ["RS256"]  # what Cognito signs with; never accept "none" or HMAC
JWKS_LIFESPAN_SECONDS = 3600  # Cognito rotates its keys rarely
JWKS_TIMEOUT_SECONDS = 3  # a request behind API Gateway has 29 s in all
# An unknown ``kid`` refreshes the key set at most this often, so forged tokens cannot make every
# request fetch the JWKS.
JWKS_REFRESH_COOLDOWN_SECONDS = 60
MAX_TOKEN_LENGTH = 8192  # Cognito access tokens are ~1 KB; refuse to parse anything huge


@dataclass(frozen=True)
class AccessClaims:
    username: str
    groups: frozenset[str]
    expires_at: int


def cognito_issuer() -> str:
    """Return the issuer Cognito writes into the pool's tokens."""
    if settings.COGNITO_ISSUER:
        return settings.COGNITO_ISSUER
    return f"https://cognito-idp.{aws.region()}.amazonaws.com/{settings.COGNITO_USER_POOL_ID}"


def cognito_jwks_url() -> str:
    """Return where the pool publishes its signing keys (the emulator serves them itself)."""
    if settings.COGNITO_JWKS_URL:
        return settings.COGNITO_JWKS_URL
    endpoint = aws.endpoint_url()
    base = endpoint.rstrip("/") if endpoint else f"https://cognito-idp.{aws.region()}.amazonaws.com"
    return f"{base}/{settings.COGNITO_USER_POOL_ID}/.well-known/jwks.json"


@functools.cache
def _jwks_client(url: str) -> jwt.PyJWKClient:
    import jwt

    return jwt.PyJWKClient(
        url,
        cache_jwk_set=True,
        lifespan=JWKS_LIFESPAN_SECONDS,
        timeout=JWKS_TIMEOUT_SECONDS,
        cooldown_duration=JWKS_REFRESH_COOLDOWN_SECONDS,
    )


def access_token_verify(token: str, *, leeway: int = 0) -> AccessClaims:
    """Return the claims of a valid access token of this app client; raise ``TokenInvalid`` otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenInvalid("The access token is not valid.")
    import jwt

    try:
        key = _jwks_client(cognito_jwks_url()).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=ALGORITHMS,
            issuer=cognito_issuer(),
            leeway=leeway,
            # Access tokens carry ``client_id`` (checked below), not ``aud``.
            options={"require": ["exp", "iss", "token_use"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError:
        raise TokenInvalid("The access token has expired: sign in again.") from None
    except jwt.PyJWKClientConnectionError as error:
        # Unreachable or an HTTP error (a wrong COGNITO_JWKS_URL): every token fails, so say it loudly.
        logger.error("jwks unreachable", extra={"url": cognito_jwks_url(), "error": str(error)})
        raise TokenInvalid("The access token cannot be verified right now.") from None
    except jwt.PyJWTError as error:
        logger.info("token refused", extra={"reason": type(error).__name__})
        raise TokenInvalid("The access token is not valid.") from None
    if claims["token_use"] != "access":  # noqa: S105  (a claim value, not a secret)
        raise TokenInvalid("This is not an access token: send the access_token.")
    if claims.get("client_id") != settings.COGNITO_CLIENT_ID:
        raise TokenInvalid("The access token was issued to another app client.")
    username = claims.get("username")
    if not isinstance(username, str) or not username:
        raise TokenInvalid("The access token is not valid.")
    groups = claims.get("cognito:groups") or []
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise TokenInvalid("The access token is not valid.")
    return AccessClaims(username=username, groups=frozenset(groups), expires_at=int(claims["exp"]))
