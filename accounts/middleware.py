"""Set ``request.identity``: from ``Authorization: Bearer <access token>`` when sent, else the session."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.errors import TokenInvalid
from accounts.identity import Identity
from accounts.sessions import session_identity_load
from common.api import error_response
from common.errors import Unauthorized

BEARER = "bearer "


def bearer_token(request: HttpRequest) -> str | None:
    """Return the Bearer token of the request, or None when it sends no Bearer credentials."""
    header = request.headers.get("Authorization", "")
    if header[: len(BEARER)].lower() != BEARER:
        return None
    return header[len(BEARER) :].strip()


def client_address(request: HttpRequest) -> str:
    """Return the caller's address, for rate limits only (it is hashed, never stored)."""
    # Behind API Gateway, Zappa sets REMOTE_ADDR to the source IP API Gateway saw.
    return request.META.get("REMOTE_ADDR") or "unknown"


class IdentityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        identity: Identity | None = None
        token = bearer_token(request)
        if token is not None:
            # Imported by the requests that need them: an anonymous visitor's cold start skips
            # Cognito's client code and the token verifier.
            from accounts.services import identity_from_access_token

            try:
                identity = identity_from_access_token(token)
            except TokenInvalid as error:
                # Always a 401, before anything else runs: a bad token must not pass for no token
                # (nor waive CSRF for a request that the browser's cookies would then authenticate).
                return error_response(Unauthorized(str(error)))
            # A Bearer request is authenticated by its header alone, never by the session cookie,
            # so a cross-site page cannot forge it: CSRF protection has nothing to add.
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        else:
            identity = session_identity_load(request.session)
        if identity is not None:
            from accounts.access import identity_current

            # An admin's latest decision (groups, disabled) applies from the next request on.
            identity = identity_current(identity)
        request.identity = identity  # type: ignore[attr-defined]
        return self.get_response(request)
