"""The token endpoint: credentials in, Cognito tokens out."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from accounts import services
from accounts.middleware import client_address
from common.api import api_view


def token_create(request: HttpRequest) -> JsonResponse:
    """Exchange a username and password for Cognito tokens (rate limited per username and client)."""
    from accounts.schemas import TokenRequest, TokenResponse, token_request_problem  # msgspec: first use
    from common.schema import answer, request_body

    body = request_body(request, TokenRequest, problem=token_request_problem)
    # Account errors (bad credentials 401, limits 429, Cognito down 503) answer with their own status.
    result = services.user_sign_in(
        username=body.username.strip(), password=body.password, client=client_address(request)
    )
    tokens = result.tokens
    response = answer(
        TokenResponse(
            access_token=tokens.access_token,
            id_token=tokens.id_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
            token_type=tokens.token_type,
        )
    )
    response["Cache-Control"] = "no-store"  # tokens must not sit in any cache
    return response


# Authenticated by the credentials in the body, never by a cookie: there is nothing to forge.
token = csrf_exempt(api_view({"POST": token_create}))
