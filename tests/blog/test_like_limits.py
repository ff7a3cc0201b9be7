"""A fresh cookie does not buy a fresh like: likes need a loaded page and are limited per address.

Issue: 60 likes from 60 fresh sessions in 3 s raised a count from 0 to 60.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.test import Client

from analytics.events import event_from_record
from blog import selectors, services
from blog.readers import PAGE_TOKEN_MAX_AGE, like_page_token
from cloud import aws
from tests.blog.conftest import Publish, csrf_token, page_token

pytestmark = pytest.mark.address_limits


@pytest.fixture(autouse=True)
def _one_window() -> Iterator[None]:
    """Hold the services' clock still (at the minute's start) so no test straddles a window's end.

    Never ahead of the real clock: articles published "in the future" would crowd other tests'
    articles off the home page.
    """
    moment = datetime.now(UTC).replace(second=0, microsecond=0)
    with mock.patch.object(services, "_now", lambda now=None: now or moment):
        yield


def _address() -> str:
    """A documentation address of its own per test, so no test shares another's windows."""
    return f"198.51.100.{uuid.uuid4().int % 250 + 1}-{uuid.uuid4().hex[:6]}"


def test_fresh_cookies_from_one_address_cannot_inflate_a_count(publish: Publish) -> None:
    article = publish()
    address = _address()
    statuses = []
    for _ in range(60):
        client = Client(REMOTE_ADDR=address)  # a fresh session: no visitor cookie yet
        token = page_token(client, article.slug)
        statuses.append(client.post(f"/api/articles/{article.id}/like", HTTP_X_PAGE_TOKEN=token).status_code)
    assert statuses.count(200) == services.LIKE_ADDRESS_ARTICLE_LIMIT
    assert set(statuses) == {200, 429}
    assert selectors.article_like_count(article_id=article.id) == services.LIKE_ADDRESS_ARTICLE_LIMIT
    # Another address is not affected.
    other = Client(REMOTE_ADDR=_address())
    token = page_token(other, article.slug)
    assert other.post(f"/api/articles/{article.id}/like", HTTP_X_PAGE_TOKEN=token).status_code == 200


def test_one_address_adds_at_most_the_minute_limit_across_articles(publish: Publish) -> None:
    articles = [publish() for _ in range(services.LIKE_ADDRESS_LIMIT + 5)]
    address = _address()
    accepted = 0
    for article in articles:
        client = Client(REMOTE_ADDR=address)
        token = page_token(client, article.slug)
        response = client.post(f"/api/articles/{article.id}/like", HTTP_X_PAGE_TOKEN=token)
        accepted += response.status_code == 200
    assert accepted == services.LIKE_ADDRESS_LIMIT


def test_a_like_needs_a_page_of_that_article_loaded_lately(publish: Publish) -> None:
    article, elsewhere = publish(), publish()
    client = Client(REMOTE_ADDR=_address())
    url = f"/api/articles/{article.id}/like"
    refused = client.post(url)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "page_not_loaded"
    assert client.post(url, HTTP_X_PAGE_TOKEN="forged:token").status_code == 403
    assert client.post(url, HTTP_X_PAGE_TOKEN=like_page_token(article_id=elsewhere.id)).status_code == 403
    with mock.patch("time.time", return_value=1_000_000_000.0):
        old = like_page_token(article_id=article.id)  # signed long ago
    assert client.post(url, HTTP_X_PAGE_TOKEN=old).status_code == 403
    assert selectors.article_like_count(article_id=article.id) == 0
    assert PAGE_TOKEN_MAX_AGE <= 60 * 60
    assert client.post(url, HTTP_X_PAGE_TOKEN=page_token(client, article.slug)).status_code == 200


def test_the_form_needs_the_page_too(publish: Publish) -> None:
    article = publish()
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=_address())
    token = csrf_token(client, f"/articles/{article.slug}/")
    response = client.post(
        f"/articles/{article.slug}/like/", {"action": "like", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 403
    assert selectors.article_like_count(article_id=article.id) == 0


def test_the_address_is_kept_hashed_for_its_window_only_and_never_reaches_the_lake(publish: Publish) -> None:
    article = publish()
    address = _address()
    client = Client(REMOTE_ADDR=address)
    assert (
        client.post(
            f"/api/articles/{article.id}/like", HTTP_X_PAGE_TOKEN=page_token(client, article.slug)
        ).status_code
        == 200
    )
    items = aws.client("dynamodb").scan(
        TableName=aws.names().table,
        FilterExpression="begins_with(pk, :rate)",
        ExpressionAttributeValues={":rate": {"S": "RATE#like-address"}},
    )["Items"]
    assert items, "no per-address counter was written"
    assert address not in json.dumps(items)
    for item in items:
        window_end = (int(item["sk"]["S"]) + 1) * (60 if "article" not in item["pk"]["S"] else 3600)
        assert int(item["expires_at"]["N"]) <= window_end + 3600  # gone (TTL) soon after its window
        record = {"eventID": "1", "eventName": "INSERT", "dynamodb": {"NewImage": item, "Keys": {}}}
        assert event_from_record(record) is None  # rate items never become lake events
