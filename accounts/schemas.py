"""The token API's bodies (common.schema): validated on the way in, documented in /api/openapi.json."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from accounts.policy import PASSWORD_MAX_LENGTH, SIGN_IN_USERNAME_MAX_LENGTH
from common.schema import Answer, Body
from common.validation import NONBLANK_TEXT_PATTERN


class TokenRequest(Body):
    # Not only whitespace (the API refuses "   " as empty), no control characters.
    username: Annotated[str, Meta(max_length=SIGN_IN_USERNAME_MAX_LENGTH, pattern=NONBLANK_TEXT_PATTERN)]
    password: Annotated[
        str, Meta(max_length=PASSWORD_MAX_LENGTH, pattern=r"\S", extra_json_schema={"format": "password"})
    ]


def token_request_problem(name: str, value: object) -> str | None:
    """Say what the sign-in form would: both fields are non-empty strings."""
    return None if isinstance(value, str) and value.strip() else "Send a non-empty string."


class TokenResponse(Answer):
    access_token: Annotated[
        str, Meta(description="Send as 'Authorization: Bearer <access_token>' to the API.")
    ]
    id_token: str
    refresh_token: str
    expires_in: Annotated[int, Meta(description="Seconds until the access token expires.")]
    token_type: Annotated[str, Meta(extra_json_schema={"enum": ["Bearer"]})]
