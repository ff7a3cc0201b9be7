"""/collect end to end against the emulator: beacon body -> page_viewed event -> Firehose -> the lake."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from accounts.identity import Identity
from analytics import services
from analytics.repository import SaltRepository
from analytics.schema import COLUMN_NAMES
from blog import services as blog_services
from cloud import aws
from cloud.resources import GROUP_AUTHORS, salt_key

from .conftest import Lake

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def beacon(client: Client, body: object, **headers: str) -> int:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers.setdefault("HTTP_USER_AGENT", BROWSER)
    return client.post("/collect", data=data, content_type="text/plain", **headers).status_code  # type: ignore[arg-type]


@pytest.fixture
def article_slug(local_stack: object) -> tuple[str, str]:
    author = Identity(
        user_id="author", username="author", display_name="Arthur Author", groups=frozenset({GROUP_AUTHORS})
    )
    article = blog_services.article_publish(
        author=author, title=f"Counted {uuid.uuid4().hex[:8]}", body="Every view reaches the lake."
    )
    return article.slug, article.id


def test_a_view_of_an_article_reaches_the_lake_with_what_it_may_carry(
    lake: Lake, article_slug: tuple[str, str]
) -> None:
    slug, article_id = article_slug
    status = beacon(
        Client(),
        {
            "p": f"/articles/{slug}/",
            "r": "https://www.news.example.com/story?id=1",
            "u": {"source": "Newsletter", "medium": "email", "campaign": "winter"},
        },
        HTTP_CLOUDFRONT_VIEWER_COUNTRY="JP",
        HTTP_CLOUDFRONT_IS_MOBILE_VIEWER="true",
        REMOTE_ADDR="203.0.113.7",
    )
    assert status == 204
    [event] = lake.events()
    assert set(event) == set(COLUMN_NAMES)
    assert event["event_type"] == "page_viewed"
    assert (event["path"], event["article_id"], event["article_slug"]) == (
        f"/articles/{slug}/",
        article_id,
        slug,
    )
    assert event["article_title"].startswith("Counted ")
    assert (event["referrer_host"], event["country"], event["device"]) == ("news.example.com", "JP", "mobile")
    assert (event["utm_source"], event["utm_medium"], event["utm_campaign"]) == (
        "newsletter",
        "email",
        "winter",
    )
    assert len(event["visitor_hash"]) == 32
    assert "203.0.113.7" not in json.dumps(event)
    assert BROWSER not in json.dumps(event)


def test_the_same_address_and_browser_is_one_visitor_a_day_and_another_the_next(lake: Lake) -> None:
    client = Client()
    assert beacon(client, {"p": "/"}, REMOTE_ADDR="198.51.100.1") == 204
    assert beacon(client, {"p": "/feed/"}, REMOTE_ADDR="198.51.100.1") == 204
    assert beacon(client, {"p": "/"}, REMOTE_ADDR="198.51.100.1", HTTP_USER_AGENT=PHONE) == 204
    assert beacon(client, {"p": "/"}, REMOTE_ADDR="198.51.100.2") == 204
    hashes = [e["visitor_hash"] for e in sorted(lake.events(), key=lambda e: e["occurred_at"])]
    assert hashes[0] == hashes[1]
    assert len(set(hashes)) == 3
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    services.page_view_record(
        body=b'{"p": "/"}',
        headers={"User-Agent": BROWSER},
        remote_addr="198.51.100.1",
        site_host="testserver",
        now=tomorrow,
    )
    assert len({e["visitor_hash"] for e in lake.events()}) == 4  # a new salt: a new visitor


def test_an_internal_referrer_is_not_a_referrer(lake: Lake) -> None:
    assert beacon(Client(), {"p": "/", "r": "http://testserver/articles/x/"}) == 204
    assert [e["referrer_host"] for e in lake.events()] == [None]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0"},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
    ],
)
def test_bots_and_prefetches_are_not_counted(lake: Lake, headers: dict[str, str]) -> None:
    assert beacon(Client(), {"p": "/"}, **headers) == 204
    assert lake.events() == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        {"p": "no-slash"},
        {"p": "/api/articles"},
        {"p": "/analytics/"},
        {"p": "/" + "a" * 600},
        {"p": "/", "u": "utm"},
        b'{"p": "/", "r": "' + b"x" * 3000 + b'"}',
    ],
)
def test_a_body_our_script_does_not_send_is_refused_and_nothing_is_written(lake: Lake, body: object) -> None:
    assert beacon(Client(), body) == 400
    assert lake.events() == []


def test_only_post(lake: Lake) -> None:
    response = Client().get("/collect")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_days_salt_is_made_once_and_the_day_before_yesterdays_is_deleted(local_stack: object) -> None:
    repository = SaltRepository()
    day = datetime(2001, 5, 20, tzinfo=UTC).date()
    old = repository.get_or_create(day - timedelta(days=2))
    assert repository.get_or_create(day - timedelta(days=2)) == old
    salt = repository.get_or_create(day)
    assert salt != old
    assert repository.get_or_create(day) == salt
    key = {k: {"S": v} for k, v in salt_key((day - timedelta(days=2)).isoformat()).items()}
    assert "Item" not in aws.client("dynamodb").get_item(TableName=aws.names().table, Key=key)


def test_every_page_loads_the_beacon(local_stack: object) -> None:
    body = Client().get("/").content.decode()
    assert '<script src="/static/js/beacon.js" defer></script>' in body
