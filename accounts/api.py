"""The token endpoint: credentials in, Cognito tokens out."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse

from accounts import services
from accounts.middleware import client_address
from accounts.policy import PASSWORD_MAX_LENGTH, SIGN_IN_USERNAME_MAX_LENGTH
from common.api import json_body
from common.errors import ValidationFailed
from common.validation import control_characters_problem

TOKEN_FIELDS = frozenset({"username", "password"})
FIELD_MAX_LENGTH = {"username": SIGN_IN_USERNAME_MAX_LENGTH, "password": PASSWORD_MAX_LENGTH}


def _credentials(data: dict[str, Any]) -> tuple[str, str]:
    problems = {}
    for name in sorted(TOKEN_FIELDS):
        value = data[name]
        if not isinstance(value, str) or not value.strip():
            problems[name] = "Send a non-empty string."
        elif len(value) > FIELD_MAX_LENGTH[name]:
            problems[name] = f"At most {FIELD_MAX_LENGTH[name]} characters."
        elif name == "username" and (problem := control_characters_problem(value)):
            problems[name] = problem
    if problems:
        raise ValidationFailed("Some fields are wrong.", fields=problems)
    return data["username"].strip(), data["password"]


def token_create(request: HttpRequest) -> JsonResponse:
    """Exchange a username and password for Cognito tokens (rate limited per username and client)."""
    username, password = _credentials(json_body(request, allowed=TOKEN_FIELDS, required=TOKEN_FIELDS))
    # Account errors (bad credentials 401, limits 429, Cognito down 503) answer with their own status.
    result = services.user_sign_in(username=username, password=password, client=client_address(request))
    tokens = result.tokens
    response = JsonResponse(
        {
            "access_token": tokens.access_token,
            "id_token": tokens.id_token,
            "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in,
            "token_type": tokens.token_type,
        },
        status=200,
    )
    response["Cache-Control"] = "no-store"  # tokens must not sit in any cache
    return response
