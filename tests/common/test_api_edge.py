"""Every /api/ answer is the common JSON shape with the right status, through config/urls.py.

Real middleware, real CSRF check, the real emulator (and, for the outage, a port nobody serves).
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.test import Client

from cloud import aws
from cloud.local import emulator
from cloud.local.bootstrap import LocalStack
from config.openapi import document

METHODS = ("get", "post", "put", "patch", "delete")


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return dict(body["error"])


def test_an_anonymous_upload_is_a_json_401_not_the_csrf_page(local_stack: LocalStack) -> None:
    client = Client(enforce_csrf_checks=True)
    body = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 10}
    response = client.post("/api/images", json.dumps(body), content_type="application/json")
    assert _error(response, 401)["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_invalid_bearer_token_is_401_even_where_no_account_is_needed(local_stack: LocalStack) -> None:
    # A like needs no account: before, any Bearer header switched CSRF off, so a cookie-made like
    # went through with a garbage token (and reached the article lookup: a 404 here).
    client = Client(enforce_csrf_checks=True)
    url = f"/api/articles/{uuid.uuid4().hex}/like"
    response = client.post(url, headers={"Authorization": "Bearer not-a-token"})
    assert _error(response, 401)["code"] == "unauthorized"
    assert _error(client.get("/api/articles", headers={"Authorization": "Bearer x"}), 401)


def test_a_like_without_the_csrf_token_is_a_json_403(local_stack: LocalStack) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/api/articles/{uuid.uuid4().hex}/like")
    assert _error(response, 403)["code"] == "csrf_failed"


def _concrete(path: str) -> str:
    return re.sub(r"\{article_id\}|\{image_id\}", uuid.uuid4().hex, path).replace("{name}", "top-countries")


@pytest.mark.parametrize("path", sorted(document()["paths"]))
def test_every_api_path_answers_405_with_allow(local_stack: LocalStack, path: str) -> None:
    documented = {m for m in document()["paths"][path] if m in METHODS}
    path = _concrete(path.replace("{run_id}", "r1"))
    client = Client(enforce_csrf_checks=True)  # the CSRF check must not hide the 405
    for method in sorted(set(METHODS) - documented):
        response = getattr(client, method)(path)
        assert _error(response, 405)["code"] == "method_not_allowed", (method, path)
        assert set(response["Allow"].split(", ")) == {m.upper() for m in documented}


def test_an_unknown_api_path_is_a_json_404(local_stack: LocalStack) -> None:
    assert _error(Client().get("/api/nothing-here"), 404)["code"] == "not_found"


def test_with_the_emulator_down_the_api_answers_a_json_500(
    local_stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{emulator.free_port()}")  # nobody listens
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    aws.reset()
    try:
        response = Client(raise_request_exception=False).get("/api/articles")
    finally:
        monkeypatch.undo()
        aws.reset()
    error = _error(response, 500)
    assert error["code"] == "internal_server_error"
    assert "X-Request-Id" in response
