from __future__ import annotations

from typing import Any

import pytest

from blog.checks import blog_settings_check


def test_default_settings_pass() -> None:
    assert blog_settings_check() == []


@pytest.mark.parametrize(
    ("name", "value", "error_id"),
    [
        ("ARTICLE_DEFAULT_TTL_DAYS", 0, "blog.E001"),
        ("ARTICLE_DEFAULT_TTL_DAYS", 400, "blog.E001"),
        ("ARTICLE_DEFAULT_TTL_DAYS", "30", "blog.E001"),
        ("LATEST_CACHE_SECONDS", -1, "blog.E002"),
        ("VISITOR_COOKIE", "", "blog.E003"),
    ],
)
def test_bad_settings_are_reported(settings: Any, name: str, value: object, error_id: str) -> None:
    setattr(settings, name, value)
    assert [problem.id for problem in blog_settings_check()] == [error_id]


def test_short_hash_key_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.VISITOR_HASH_KEY = "short"
    assert [problem.id for problem in blog_settings_check()] == ["blog.E004"]
