"""The accounts part of the OpenAPI document (merged by config.openapi)."""

from __future__ import annotations

from typing import Any

from accounts.schemas import TokenRequest, TokenResponse
from common.openapi import error_response, json_response, request_body
from common.schema import components

SCHEMAS: dict[str, Any] = components(TokenRequest, TokenResponse)

PATHS: dict[str, Any] = {
    "/api/auth/token": {
        "post": {
            "operationId": "auth_token_create",
            "summary": "Exchange a username and password for Cognito tokens",
            "description": "Rate limited per username and client (10 attempts per 5 minutes).",
            "tags": ["auth"],
            "security": [],
            "requestBody": request_body("TokenRequest"),
            "responses": {
                "200": json_response("TokenResponse", "Signed in."),
                "400": error_response("Malformed JSON, missing, unknown or wrongly typed fields."),
                "401": error_response("Incorrect username or password, or the account is not confirmed."),
                "413": error_response("The body is over 1 MB."),
                "429": error_response("Too many sign-in attempts."),
                "503": error_response("Cognito cannot be reached."),
            },
        }
    }
}
