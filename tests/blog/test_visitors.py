"""Visitor hashing, country and device detection, cursors and slugs: pure, no emulator."""

from __future__ import annotations

import base64
import json

import pytest

from blog.cursors import cursor_decode, cursor_encode
from blog.domain import InvalidCursor
from blog.slugs import slug_base, slug_candidates
from blog.visitors import (
    country_from_headers,
    device_from_headers,
    device_from_user_agent,
    visitor_hash,
    visitor_token_new,
    visitor_token_valid,
)

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 Chrome/120 Safari/537.36"
IPAD = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SMART_TV = "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 SamsungBrowser/4.0 TV Safari/537.36"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"CloudFront-Is-Mobile-Viewer": "true", "CloudFront-Is-Desktop-Viewer": "false"}, "mobile"),
        ({"CloudFront-Is-Tablet-Viewer": "true", "CloudFront-Is-Mobile-Viewer": "false"}, "tablet"),
        ({"CloudFront-Is-SmartTV-Viewer": "true"}, "smarttv"),
        ({"CloudFront-Is-Desktop-Viewer": "true", "CloudFront-Is-Mobile-Viewer": "false"}, "desktop"),
        ({"cloudfront-is-desktop-viewer": "TRUE"}, "desktop"),
        # All "false": CloudFront said nothing useful; the User-Agent decides.
        ({"CloudFront-Is-Desktop-Viewer": "false", "User-Agent": IPHONE}, "mobile"),
        ({"User-Agent": WINDOWS}, "desktop"),
        ({}, "unknown"),
    ],
)
def test_device_from_headers(headers: dict[str, str], expected: str) -> None:
    assert device_from_headers(headers) == expected


def test_cloudfront_header_is_compared_as_the_string_true() -> None:
    # The seed compared the header with the boolean True and so always reported Unknown.
    assert device_from_headers({"CloudFront-Is-Mobile-Viewer": "true"}) == "mobile"
    assert device_from_headers({"CloudFront-Is-Mobile-Viewer": "false", "User-Agent": ""}) == "unknown"


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (IPHONE, "mobile"),
        (ANDROID_PHONE, "mobile"),
        (ANDROID_TABLET, "tablet"),
        (IPAD, "tablet"),
        (WINDOWS, "desktop"),
        (MAC, "desktop"),
        (GOOGLEBOT, "bot"),
        ("curl/8.5.0", "bot"),
        (SMART_TV, "smarttv"),
        ("", "unknown"),
        ("something else entirely", "unknown"),
    ],
)
def test_device_from_user_agent(user_agent: str, expected: str) -> None:
    assert device_from_user_agent(user_agent) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        (" fr ", "FR"),
        ("XYZ", "ZZ"),
        ("1A", "ZZ"),
        ("", "ZZ"),
        ("É1", "ZZ"),
        ("ÉÉ", "ZZ"),
    ],
)
def test_country_from_headers(value: str, expected: str) -> None:
    assert country_from_headers({"CloudFront-Viewer-Country": value}) == expected


def test_country_defaults_to_zz() -> None:
    assert country_from_headers({}) == "ZZ"


def test_visitor_hash_is_keyed_and_stable() -> None:
    token = visitor_token_new()
    assert visitor_token_valid(token)
    assert visitor_hash(token, key="k1") == visitor_hash(token, key="k1")
    assert visitor_hash(token, key="k1") != visitor_hash(token, key="k2")
    assert token not in visitor_hash(token, key="k1")
    assert len(visitor_hash(token, key="k1")) == 64


@pytest.mark.parametrize("token", [None, "", "short", "x" * 100, "has space in it!!", 12345])
def test_visitor_token_validation(token: object) -> None:
    assert not visitor_token_valid(token)


LATEST_NAMES = frozenset({"pk", "sk", "gsi1pk", "gsi1sk"})
KEY = {
    "pk": {"S": "ARTICLE#abc"},
    "sk": {"S": "ARTICLE"},
    "gsi1pk": {"S": "ARTICLE"},
    "gsi1sk": {"S": "2026-01-01T00:00:00.000000Z#abc"},
}


def test_cursor_round_trip() -> None:
    cursor = cursor_encode(KEY)
    assert "=" not in cursor
    assert cursor_decode(cursor, names=LATEST_NAMES, fixed={"gsi1pk": "ARTICLE"}) == KEY


def _raw(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!!",
        "x" * 2000,
        _raw([1, 2]),
        _raw({"pk": "a"}),
        _raw({"pk": "a", "sk": "b", "gsi1pk": "OTHER", "gsi1sk": "c"}),  # another partition
        _raw({"pk": "a", "sk": "b", "gsi1pk": "ARTICLE", "gsi1sk": 5}),
        _raw({"pk": "a", "sk": "b", "gsi1pk": "ARTICLE", "gsi1sk": ""}),
        _raw({"pk": "a", "sk": "b", "gsi1pk": "ARTICLE", "gsi1sk": "c", "extra": "d"}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_bad_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        cursor_decode(cursor, names=LATEST_NAMES, fixed={"gsi1pk": "ARTICLE"})


def test_slugs() -> None:
    assert slug_base("Hello, World!") == "hello-world"
    assert slug_base("!!!") == "article"
    assert slug_base("Ünïcödé Straße") == "unicode-strae"
    assert len(slug_base("a" * 500)) <= 80
    candidates = list(slug_candidates("Hello"))
    assert candidates[:5] == ["hello", "hello-2", "hello-3", "hello-4", "hello-5"]
    assert len(set(candidates)) == len(candidates)
