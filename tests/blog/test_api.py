"""The articles JSON API through Django's test client: real Cognito tokens, real emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from blog import selectors
from blog.domain import PAGE_SIZE
from tests.blog.conftest import Publish, bearer, csrf_token, days_ago, page_token, unique


def _post(client: Client, url: str, data: Any, *, token: str | None = None, method: str = "post") -> Any:
    headers = bearer(token) if token else {}
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return dict(body["error"])


def _new(title: str | None = None) -> dict[str, Any]:
    return {"title": title or f"API article {unique()}", "body": f"Made *by* the API {unique()}."}


def test_publish_get_and_list(author_token: str) -> None:
    client = Client(enforce_csrf_checks=True)  # Bearer requests need no CSRF token
    data = {**_new(), "expires_in_days": 10}
    response = _post(client, "/api/articles", data, token=author_token)
    assert response.status_code == 201, response.content
    article = response.json()
    assert response["Location"] == f"/api/articles/{article['id']}"
    assert article["title"] == data["title"]
    assert article["author"] == {"id": "author", "name": "Arthur Author"}
    assert "<em>by</em>" in article["body_html"]
    assert article["like_count"] == 0
    assert article["url"] == f"/articles/{article['slug']}/"
    fetched = client.get(f"/api/articles/{article['id']}").json()
    assert fetched == article
    listing = client.get("/api/articles").json()
    assert listing["articles"][0]["id"] == article["id"]
    assert "body" not in listing["articles"][0]
    assert set(listing) == {"articles", "next_cursor"}


def test_list_pages_with_cursor(publish: Publish) -> None:
    for _ in range(PAGE_SIZE + 1):
        publish()
    client = Client()
    first = client.get("/api/articles").json()
    assert len(first["articles"]) == PAGE_SIZE
    second = client.get("/api/articles", {"cursor": first["next_cursor"]}).json()
    assert {a["id"] for a in first["articles"]}.isdisjoint({a["id"] for a in second["articles"]})
    assert _error(client.get("/api/articles", {"cursor": "nope"}), 400)["fields"] == {
        "cursor": "The page cursor is not valid: start again from the first page."
    }
    assert _error(client.get("/api/articles", {"page": "2"}), 400)["fields"] == {"page": "Unknown parameter."}


def test_get_unknown_or_expired_is_404(publish: Publish) -> None:
    client = Client()
    _error(client.get("/api/articles/" + "0" * 32), 404)
    _error(client.get("/api/articles/not-an-id"), 404)
    expired = publish(now=days_ago(3), expires_in_days=1)
    _error(client.get(f"/api/articles/{expired.id}"), 404)


def test_publish_needs_a_valid_token_of_an_author(reader_token: str, local_stack: object) -> None:
    client = Client()
    assert _error(_post(client, "/api/articles", _new()), 401)["code"] == "unauthorized"
    _error(_post(client, "/api/articles", _new(), token="not-a-jwt"), 401)
    assert _error(_post(client, "/api/articles", _new(), token=reader_token), 403)["code"] == "forbidden"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x"}, "body"),
        ({"body": "x"}, "title"),
        ({"title": "x", "body": "y", "author_id": "admin"}, "author_id"),
        ({"title": "x", "body": "y", "id": "0" * 32}, "id"),
        ({"title": 5, "body": "y"}, "title"),
        ({"title": "x", "body": None}, "body"),
        ({"title": "", "body": "y"}, "title"),
        ({"title": "x" * 201, "body": "y"}, "title"),
        ({"title": "x", "body": "y", "expires_in_days": 0}, "expires_in_days"),
        ({"title": "x", "body": "y", "expires_in_days": 1.5}, "expires_in_days"),
        ({"title": "x", "body": "y", "expires_in_days": "7"}, "expires_in_days"),
        ({"title": "x", "body": "y", "cover_image_id": 7}, "cover_image_id"),
    ],
)
def test_publish_refuses_bad_fields(author_token: str, body: dict[str, Any], field: str) -> None:
    before = selectors.article_list_by_author(author_id="author").articles
    error = _error(_post(Client(), "/api/articles", body, token=author_token), 400)
    assert field in error["fields"]
    assert selectors.article_list_by_author(author_id="author").articles == before


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"', "", "null"])
def test_publish_refuses_malformed_json(author_token: str, raw: str) -> None:
    _error(_post(Client(), "/api/articles", raw, token=author_token), 400)


def test_publish_refuses_other_content_types(author_token: str) -> None:
    response = Client().post("/api/articles", {"title": "x", "body": "y"}, headers=bearer(author_token))
    _error(response, 400)


def test_body_over_one_megabyte_is_413(author_token: str) -> None:
    huge = {"title": "big", "body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    assert (
        _error(_post(Client(), "/api/articles", huge, token=author_token), 413)["code"] == "payload_too_large"
    )


def test_duplicate_is_409(author_token: str) -> None:
    data = _new()
    client = Client()
    assert _post(client, "/api/articles", data, token=author_token).status_code == 201
    assert (
        _error(_post(client, "/api/articles", data, token=author_token), 409)["code"] == "duplicate_content"
    )


def test_patch_by_author_and_refusals(author_token: str, admin_token: str) -> None:
    client = Client()
    article = _post(client, "/api/articles", _new(), token=author_token).json()
    url = f"/api/articles/{article['id']}"
    response = _post(client, url, {"title": "Patched"}, token=author_token, method="patch")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Patched"
    assert response.json()["body"] == article["body"]
    assert response.json()["slug"] == article["slug"]
    _error(_post(client, url, {"title": "x"}, method="patch"), 401)
    _error(_post(client, url, {"title": "Admin edit"}, token=admin_token, method="patch"), 403)
    _error(_post(client, url, {}, token=author_token, method="patch"), 400)
    _error(_post(client, url, {"slug": "new-slug"}, token=author_token, method="patch"), 400)
    _error(_post(client, url, {"title": ""}, token=author_token, method="patch"), 400)
    _error(
        _post(client, "/api/articles/" + "0" * 32, {"title": "x"}, token=author_token, method="patch"), 404
    )
    assert selectors.article_get(article_id=article["id"]).title == "Patched"


def test_delete_by_author_admin_and_refused_for_others(
    author_token: str, admin_token: str, writer_token: tuple[str, str]
) -> None:
    client = Client()
    first = _post(client, "/api/articles", _new(), token=author_token).json()
    second = _post(client, "/api/articles", _new(), token=author_token).json()
    _error(client.delete(f"/api/articles/{first['id']}"), 401)
    _error(client.delete(f"/api/articles/{first['id']}", headers=bearer(writer_token[1])), 403)
    assert client.delete(f"/api/articles/{first['id']}", headers=bearer(author_token)).status_code == 204
    assert client.delete(f"/api/articles/{second['id']}", headers=bearer(admin_token)).status_code == 204
    _error(client.get(f"/api/articles/{first['id']}"), 404)
    _error(client.delete(f"/api/articles/{first['id']}", headers=bearer(author_token)), 404)


def test_writes_with_the_session_cookie_need_csrf(publish: Publish, author: Any) -> None:
    from tests.blog.conftest import signed_in

    client = signed_in(Client(enforce_csrf_checks=True), author)
    assert _error(_post(client, "/api/articles", _new()), 403)["code"] == "csrf_failed"
    token = csrf_token(client)
    response = client.post(
        "/api/articles", json.dumps(_new()), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_like_and_unlike(publish: Publish) -> None:
    article = publish()
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client, f"/articles/{article.slug}/")
    page = page_token(client, article.slug)
    url = f"/api/articles/{article.id}/like"
    response = client.post(url, HTTP_X_CSRFTOKEN=token, HTTP_X_PAGE_TOKEN=page)
    assert response.status_code == 200, response.content
    assert response.json() == {"liked": True, "like_count": 1}
    assert settings.VISITOR_COOKIE in response.cookies
    # Same visitor (same cookie) again: still one.
    assert client.post(url, HTTP_X_CSRFTOKEN=token, HTTP_X_PAGE_TOKEN=page).json() == {
        "liked": True,
        "like_count": 1,
    }
    # Another visitor.
    other = Client(enforce_csrf_checks=True)
    other_token = csrf_token(other, f"/articles/{article.slug}/")
    assert other.post(
        url, HTTP_X_CSRFTOKEN=other_token, HTTP_X_PAGE_TOKEN=page_token(other, article.slug)
    ).json() == {"liked": True, "like_count": 2}
    assert client.delete(url, HTTP_X_CSRFTOKEN=token).json() == {"liked": False, "like_count": 1}
    assert client.delete(url, HTTP_X_CSRFTOKEN=token).json() == {"liked": False, "like_count": 1}


def test_like_needs_csrf(publish: Publish) -> None:
    article = publish()
    client = Client(enforce_csrf_checks=True)
    url = f"/api/articles/{article.id}/like"
    assert _error(client.post(url), 403)["code"] == "csrf_failed"
    csrf_token(client, f"/articles/{article.slug}/")
    assert _error(client.post(url, HTTP_X_CSRFTOKEN="wrong" * 8), 403)["code"] == "csrf_failed"
    assert _error(client.delete(url), 403)["code"] == "csrf_failed"
    assert selectors.article_like_count(article_id=article.id) == 0


def test_like_records_country_and_device(publish: Publish) -> None:
    from blog.readers import COOKIE_SALT
    from blog.visitors import visitor_hash
    from cloud import aws
    from cloud.resources import like_key

    article = publish()
    client = Client()
    response = client.post(
        f"/api/articles/{article.id}/like",
        HTTP_X_PAGE_TOKEN=page_token(client, article.slug),
        HTTP_CLOUDFRONT_VIEWER_COUNTRY="jp",
        HTTP_CLOUDFRONT_IS_TABLET_VIEWER="true",
        HTTP_CLOUDFRONT_IS_DESKTOP_VIEWER="false",
    )
    assert response.status_code == 200
    cookie = response.cookies[settings.VISITOR_COOKIE].value
    request = RequestFactory().get("/")
    request.COOKIES[settings.VISITOR_COOKIE] = cookie
    token = str(request.get_signed_cookie(settings.VISITOR_COOKIE, salt=COOKIE_SALT))
    hashed = visitor_hash(token, key=settings.VISITOR_HASH_KEY)
    item = aws.client("dynamodb").get_item(
        TableName=aws.names().table, Key={k: {"S": v} for k, v in like_key(article.id, hashed).items()}
    )["Item"]
    assert item["country"]["S"] == "JP"
    assert item["device"]["S"] == "tablet"
    assert token not in json.dumps(item)
    assert "127.0.0.1" not in json.dumps(item)


def test_like_unknown_article_is_404(local_stack: object) -> None:
    from blog.readers import like_page_token

    gone = "0" * 32  # a page token of an article that has since gone
    _error(
        Client().post(f"/api/articles/{gone}/like", HTTP_X_PAGE_TOKEN=like_page_token(article_id=gone)), 404
    )


def test_likes_are_rate_limited_per_visitor(publish: Publish, monkeypatch: pytest.MonkeyPatch) -> None:
    import time
    from types import SimpleNamespace

    from blog.services import LIKE_LIMIT
    from common import ratelimit

    # The limits count in fixed windows: hold the limiter's clock still so that a loaded machine
    # cannot carry the test across a window boundary (the limit itself is what is under test).
    frozen = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: frozen))
    article = publish()
    client = Client()
    url = f"/api/articles/{article.id}/like"
    page = page_token(client, article.slug)
    for _ in range(LIKE_LIMIT):
        assert client.post(url, HTTP_X_PAGE_TOKEN=page).status_code == 200
    assert _error(client.post(url, HTTP_X_PAGE_TOKEN=page), 429)["code"] == "rate_limited"
    assert Client().post(url, HTTP_X_PAGE_TOKEN=page).status_code == 200  # another visitor


def test_wrong_method_is_405(local_stack: object) -> None:
    response = Client().put("/api/articles")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_xss_payloads_come_back_as_data(author_token: str) -> None:
    xss = "<script>alert(1)</script>"
    data = {"title": f"{xss} {unique()}", "body": f"{xss}\n\n[x](javascript:alert(1))"}
    article = _post(Client(), "/api/articles", data, token=author_token).json()
    assert article["title"] == data["title"]  # JSON is data: stored as sent
    assert "<script" not in article["body_html"]
    assert '<a href="javascript' not in article["body_html"]


def test_openapi_documents_the_articles_api() -> None:
    from blog.openapi import PATHS, SCHEMAS

    assert set(PATHS) == {
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/articles/{article_id}/like",
        "/api/me/articles",
    }
    assert {"get", "post"} <= set(PATHS["/api/articles"])
    assert {"get", "patch", "delete"} <= set(PATHS["/api/articles/{article_id}"])
    assert {"post", "delete"} <= set(PATHS["/api/articles/{article_id}/like"])
    assert SCHEMAS["ArticleInput"]["additionalProperties"] is False
    refs = json.dumps(PATHS)
    for name in ("Article", "ArticlePage", "ArticleInput", "ArticlePatch", "LikeState"):
        assert f"#/components/schemas/{name}" in refs


def test_the_project_urls_serve_the_blog(settings: Any, publish: Publish) -> None:
    """The real URLconf (config.urls) routes the blog and documents its API in /api/openapi.json."""
    settings.ROOT_URLCONF = "config.urls"
    article = publish()
    client = Client()
    assert client.get("/").status_code == 200
    assert client.get(f"/articles/{article.slug}/").status_code == 200
    assert client.get(f"/api/articles/{article.id}").json()["id"] == article.id
    document = client.get("/api/openapi.json").json()
    assert "/api/articles/{article_id}/like" in document["paths"]
    assert "LikeState" in document["components"]["schemas"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "bell \x07"),
        ("title", "tab\tin a title"),
        ("body", "nul \x00"),
        ("body", "c1 \x85"),
        ("body", "\ud800"),
    ],
)
def test_control_characters_are_refused_with_a_field_error(author_token: str, field: str, value: str) -> None:
    response = _post(Client(), "/api/articles", {**_new(), field: value}, token=author_token)
    error = _error(response, 400)
    assert set(error["fields"]) == {field}
    assert "control characters" in error["fields"][field]


def test_tabs_and_newlines_stay_in_bodies_and_whole_floats_are_integers(author_token: str) -> None:
    data = {**_new(), "body": f"Line one\n\tindented {unique()}\r\nend", "expires_in_days": 88.0}
    response = _post(Client(), "/api/articles", data, token=author_token)
    assert response.status_code == 201, response.content
    assert response.json()["body"].startswith("Line one\n\tindented")
    assert "\r" not in response.json()["body"]
    _error(_post(Client(), "/api/articles", {**_new(), "expires_in_days": 88.5}, token=author_token), 400)
    _error(_post(Client(), "/api/articles", {**_new(), "expires_in_days": True}, token=author_token), 400)


def test_a_transaction_conflict_that_persists_is_a_503_and_changes_nothing(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fake, where the emulator cannot go: it serves DynamoDB one request at a time, so two
    # transactions never conflict there. DynamoDB's answer is imitated exactly (code and reasons).
    from botocore.exceptions import ClientError

    from blog import repository
    from cloud import aws

    article = publish()
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client, f"/articles/{article.slug}/")
    page = page_token(client, article.slug)
    calls = []

    def conflicted(**kwargs: Any) -> None:
        calls.append(kwargs)
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}],
            },
            "TransactWriteItems",
        )

    monkeypatch.setattr(repository, "CONFLICT_BACKOFF_SECONDS", 0)
    monkeypatch.setattr(aws.client("dynamodb"), "transact_write_items", conflicted)
    response = client.post(f"/api/articles/{article.id}/like", HTTP_X_CSRFTOKEN=token, HTTP_X_PAGE_TOKEN=page)
    assert _error(response, 503)["code"] == "busy"
    assert len(calls) == repository.CONFLICT_RETRIES
    monkeypatch.undo()
    assert selectors.article_like_count(article_id=article.id) == 0
