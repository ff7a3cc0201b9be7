"""The accounts part of the OpenAPI document (merged by config.openapi)."""

from __future__ import annotations

from typing import Any

from accounts.policy import PASSWORD_MAX_LENGTH, SIGN_IN_USERNAME_MAX_LENGTH
from common.openapi import error_response
from common.validation import NONBLANK_TEXT_PATTERN

SCHEMAS: dict[str, Any] = {
    "TokenRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["username", "password"],
        "properties": {
            # Not only whitespace (the API refuses "   " as empty), no control characters.
            "username": {
                "type": "string",
                "maxLength": SIGN_IN_USERNAME_MAX_LENGTH,
                "pattern": NONBLANK_TEXT_PATTERN,
            },
            "password": {
                "type": "string",
                "maxLength": PASSWORD_MAX_LENGTH,
                "pattern": r"\S",
                "format": "password",
            },
        },
    },
    "TokenResponse": {
        "type": "object",
        "required": ["access_token", "id_token", "refresh_token", "expires_in", "token_type"],
        "properties": {
            "access_token": {
                "type": "string",
                "description": "Send as 'Authorization: Bearer <access_token>' to the API.",
            },
            "id_token": {"type": "string"},
            "refresh_token": {"type": "string"},
            "expires_in": {"type": "integer", "description": "Seconds until the access token expires."},
            "token_type": {"type": "string", "enum": ["Bearer"]},
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/auth/token": {
        "post": {
            "operationId": "auth_token_create",
            "summary": "Exchange a username and password for Cognito tokens",
            "description": "Rate limited per username and client (10 attempts per 5 minutes).",
            "tags": ["auth"],
            "security": [],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenRequest"}}},
            },
            "responses": {
                "200": {
                    "description": "Signed in.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/TokenResponse"}}
                    },
                },
                "400": error_response("Malformed JSON, missing, unknown or wrongly typed fields."),
                "401": error_response("Incorrect username or password, or the account is not confirmed."),
                "413": error_response("The body is over 1 MB."),
                "429": error_response("Too many sign-in attempts."),
                "503": error_response("Cognito cannot be reached."),
            },
        }
    }
}
