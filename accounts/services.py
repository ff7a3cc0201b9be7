"""Account actions (writes) and who-is-this lookups, shared by the pages and the JSON API."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from accounts import errors
from accounts.cognito import AuthTokens, UserPool
from accounts.errors import TokenInvalid
from accounts.identity import Identity
from accounts.tokens import AccessClaims, access_token_verify
from common import ratelimit

logger = logging.getLogger(__name__)

# Sign-in guesses: per username and client address, and per username from anywhere (a slower,
# distributed guess). Generous enough for a person mistyping, far too few for a dictionary.
# Settings ACCOUNTS_SIGN_IN_LIMIT / ACCOUNTS_SIGN_IN_USER_LIMIT override them (test suites that
# sign the demo users in many times).
SIGN_IN_LIMIT, SIGN_IN_WINDOW_SECONDS = 10, 5 * 60
SIGN_IN_USER_LIMIT = 50
DISPLAY_NAME_CACHE_SECONDS = 5 * 60  # the API looks the name up once per user, not per request


@dataclass(frozen=True)
class SignIn:
    identity: Identity
    tokens: AuthTokens


def _subject(*parts: str) -> str:
    # Keyed hash: the rate-limit items never hold a raw address or username.
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.VISITOR_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def sign_in_rate_limit(*, username: str, client: str) -> None:
    """Count one sign-in attempt; raise ``RateLimited`` (429) past the limits."""
    name = username.strip().lower()
    limit = getattr(settings, "ACCOUNTS_SIGN_IN_LIMIT", SIGN_IN_LIMIT)
    user_limit = getattr(settings, "ACCOUNTS_SIGN_IN_USER_LIMIT", SIGN_IN_USER_LIMIT)
    ratelimit.hit("sign-in", _subject(name, client), limit=limit, per_seconds=SIGN_IN_WINDOW_SECONDS)
    ratelimit.hit("sign-in-user", _subject(name), limit=user_limit, per_seconds=SIGN_IN_WINDOW_SECONDS)


def _display_name_cache_key(username: str) -> str:
    return f"accounts:display-name:{hashlib.sha256(username.encode()).hexdigest()}"


def identity_from_claims(claims: AccessClaims, *, display_name: str) -> Identity:
    return Identity(
        user_id=claims.username, username=claims.username, display_name=display_name, groups=claims.groups
    )


def user_sign_in(*, username: str, password: str, client: str, pool: UserPool | None = None) -> SignIn:
    """Check the password with Cognito (rate limited) and return the identity and tokens."""
    sign_in_rate_limit(username=username, client=client)
    pool = pool or UserPool()
    tokens = pool.sign_in(username=username, password=password)
    try:
        claims = access_token_verify(tokens.access_token)
    except TokenInvalid as error:
        # Cognito's own fresh token failing means the issuer, JWKS URL or client id is misconfigured.
        logger.error("fresh token refused", extra={"reason": str(error)})
        raise errors.AccountServiceUnavailable() from None
    profile = pool.profile_from_access_token(tokens.access_token)
    cache.set(_display_name_cache_key(claims.username), profile.display_name, DISPLAY_NAME_CACHE_SECONDS)
    logger.info("signed in", extra={"user_id": claims.username})
    return SignIn(identity=identity_from_claims(claims, display_name=profile.display_name), tokens=tokens)


def identity_from_access_token(token: str, *, pool: UserPool | None = None) -> Identity:
    """Return the identity of a Bearer access token; raise ``TokenInvalid`` when it must not be trusted.

    A signature says who issued the token, not whether Cognito still honours it: every call asks
    Cognito (GetUser, one call per API request with a token), so a token revoked by GlobalSignOut,
    or a disabled user's, stops working at the very next request. Before, the answer was cached for
    five minutes per user and a revoked token kept working that long. Only when Cognito cannot
    answer at all does a well-signed token pass unchecked (with the last known display name), so an
    outage of Cognito does not sign every author out; that is logged.
    """
    claims = access_token_verify(token)
    key = _display_name_cache_key(claims.username)
    try:
        display_name = (pool or UserPool()).profile_from_access_token(token).display_name
    except errors.InvalidCredentials:
        # A well-signed token Cognito no longer honours: signed out everywhere, or disabled.
        cache.delete(key)
        raise TokenInvalid("The access token has been revoked: sign in again.") from None
    except errors.AccountServiceUnavailable:
        logger.warning(
            "token revocation unchecked: Cognito did not answer", extra={"user_id": claims.username}
        )
        return identity_from_claims(claims, display_name=cache.get(key) or claims.username)
    cache.set(key, display_name, DISPLAY_NAME_CACHE_SECONDS)
    return identity_from_claims(claims, display_name=display_name)


def user_sign_up(
    *, username: str, email: str, display_name: str, password: str, pool: UserPool | None = None
) -> None:
    """Register a user; Cognito emails a code to confirm the address."""
    (pool or UserPool()).sign_up(username=username, email=email, display_name=display_name, password=password)
    logger.info("signed up", extra={"user_id": username})


def user_confirm(*, username: str, code: str, pool: UserPool | None = None) -> None:
    (pool or UserPool()).confirm_sign_up(username=username, code=code)


def password_reset_request(*, username: str, pool: UserPool | None = None) -> None:
    (pool or UserPool()).forgot_password(username=username)


def password_reset_confirm(*, username: str, code: str, password: str, pool: UserPool | None = None) -> None:
    (pool or UserPool()).confirm_forgot_password(username=username, code=code, password=password)
