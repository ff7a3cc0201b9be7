"""POST /api/auth/token against the emulator's Cognito."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from accounts.tokens import access_token_verify

pytestmark = pytest.mark.usefixtures("local_stack")

URL = "/api/auth/token"


def post_json(client: Client, body: object, remote_addr: str = "127.0.0.1") -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json", REMOTE_ADDR=remote_addr)


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_good_credentials_give_tokens(csrf_client: Client, make_user) -> None:
    user = make_user(groups=("authors",))
    # csrf_client: the endpoint is authenticated by its body, so it needs no CSRF token.
    response = post_json(csrf_client, {"username": user.username, "password": user.password})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "id_token", "refresh_token", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert response["Cache-Control"] == "no-store"
    claims = access_token_verify(body["access_token"])
    assert claims.username == user.username
    assert claims.groups == frozenset({"authors"})


def test_wrong_credentials_are_401(client: Client, make_user) -> None:
    user = make_user()
    for username in (user.username, f"nobody-{uuid.uuid4().hex[:8]}"):
        response = post_json(client, {"username": username, "password": "wrong-pass-1"})
        assert response.status_code == 401
        error = error_of(response)
        assert error["code"] == "unauthorized"
        assert error["message"] == "Incorrect username or password."


def test_unconfirmed_user_is_401(client: Client, pool) -> None:
    username = f"u-{uuid.uuid4().hex[:12]}"
    pool.sign_up(
        username=username, email=f"{username}@example.com", display_name="X", password="test-pass-123"
    )
    response = post_json(client, {"username": username, "password": "test-pass-123"})
    assert response.status_code == 401
    assert "not confirmed" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "fields"),
    [
        ("{not json", "application/json", {}),
        ("[1, 2]", "application/json", {}),
        ('{"username": "a", "password": "b"}', "text/plain", {}),
        (
            "{}",
            "application/json",
            {"username": "This field is required.", "password": "This field is required."},
        ),
        ('{"username": "a"}', "application/json", {"password": "This field is required."}),
        (
            '{"username": "a", "password": "b", "admin": true}',
            "application/json",
            {"admin": "Unknown field."},
        ),
        ('{"username": 5, "password": "b"}', "application/json", {"username": "Send a non-empty string."}),
        ('{"username": "a", "password": ""}', "application/json", {"password": "Send a non-empty string."}),
        ('{"username": "a", "password": null}', "application/json", {"password": "Send a non-empty string."}),
        (
            json.dumps({"username": "a" * 129, "password": "b"}),
            "application/json",
            {"username": "At most 128 characters."},
        ),
    ],
)
def test_bad_bodies_are_400(client: Client, body, content_type, fields) -> None:
    response = client.post(URL, data=body, content_type=content_type)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["fields"] == fields


def test_oversize_body_is_413(client: Client) -> None:
    body = json.dumps({"username": "a", "password": "b" * (1024 * 1024)})
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_only_post(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_sign_in_is_rate_limited(client: Client, make_user) -> None:
    user = make_user()
    for _ in range(10):
        assert post_json(client, {"username": user.username, "password": "wrong-pass-1"}).status_code == 401
    # Past the limit even the right password is refused: guessing must not pay off.
    limited = post_json(client, {"username": user.username, "password": user.password})
    assert limited.status_code == 429
    assert error_of(limited)["code"] == "rate_limited"
    # Another client address has its own allowance.
    other = post_json(client, {"username": user.username, "password": user.password}, remote_addr="10.0.0.2")
    assert other.status_code == 200


def accounts_openapi() -> dict:
    from accounts.openapi import PATHS, SCHEMAS
    from config.openapi import ERROR_SCHEMA

    return {
        "openapi": "3.1.0",
        "info": {"title": "accounts", "version": "1"},
        "paths": PATHS,
        "components": {
            "schemas": {**SCHEMAS, "Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def test_openapi_fragment_is_valid_and_documents_the_statuses() -> None:
    from openapi_spec_validator import validate

    document = accounts_openapi()
    validate(document)
    operation = document["paths"]["/api/auth/token"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "401", "413", "429"}


def test_responses_match_the_documented_schemas(client: Client, make_user) -> None:
    from jsonschema import Draft202012Validator

    document = accounts_openapi()
    schemas = document["components"]["schemas"]

    def check(instance: object, name: str) -> None:
        Draft202012Validator(schemas[name]).validate(instance)

    user = make_user()
    check(post_json(client, {"username": user.username, "password": user.password}).json(), "TokenResponse")
    check(post_json(client, {"username": user.username, "password": "wrong-pass-1"}).json(), "Error")
    check({"username": "a", "password": "b"}, "TokenRequest")
    with pytest.raises(Exception, match="Additional properties"):
        check({"username": "a", "password": "b", "extra": 1}, "TokenRequest")


def test_a_misconfigured_issuer_is_503(client: Client, make_user, settings) -> None:
    user = make_user()
    settings.COGNITO_ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_someoneelse"
    response = post_json(client, {"username": user.username, "password": user.password})
    assert response.status_code == 503
    assert error_of(response)["code"] == "unavailable"
